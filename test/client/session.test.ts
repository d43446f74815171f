import { afterEach, describe, expect, it, vi } from "vitest";
import { memorySessionStore, ParapetError, type Session, SessionEndedError } from "../../src/client";
import { clientFor, registered } from "../client-helpers";
import { call, json } from "../helpers";

afterEach(() => {
  vi.useRealTimers();
});

const ACCESS_TTL_MS = 30 * 60_000; // the default ACCESS_TOKEN_TTL_SECONDS

/** Moves the clock of the test and of the Worker (same isolate) past the access token's expiry. */
function pastExpiry(): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + ACCESS_TTL_MS + 60_000);
}

describe("client sessions", () => {
  it("logs in, keeps the session and calls with its access token", async () => {
    const { client, seen } = clientFor();
    const account = await registered(client);
    const session = await client.auth.login(account.email, account.password);
    expect(session.access_token.split(".")).toHaveLength(3);
    const me = await client.auth.me();
    expect(me.user_id).toBe(account.user_id);
    expect(me.role).toBe("trader");
    const meCall = seen.find((s) => s.path === "/api/v1/me");
    expect(meCall?.headers.get("authorization")).toBe(`Bearer ${session.access_token}`);
    // Login itself carries no credentials.
    expect(seen.find((s) => s.path === "/api/v1/auth/login")?.headers.has("authorization")).toBe(false);
  });

  it("refreshes exactly once for 10 concurrent calls after the access token expired", async () => {
    const { client, seen } = clientFor();
    const account = await registered(client);
    const first = await client.auth.login(account.email, account.password);
    pastExpiry();
    const results = await Promise.all(Array.from({ length: 10 }, () => client.auth.me()));
    expect(results.map((r) => r.user_id)).toEqual(Array(10).fill(account.user_id));
    expect(seen.filter((s) => s.path === "/api/v1/auth/refresh")).toHaveLength(1);
    // Refreshed before sending (the client saw the expiry coming): no call was refused.
    const meCalls = seen.filter((s) => s.path === "/api/v1/me");
    expect(meCalls.map((s) => s.status)).toEqual(Array(10).fill(200));
    const next = await client.session.get();
    expect(next?.refresh_token).not.toBe(first.refresh_token);
    expect(meCalls.every((s) => s.headers.get("authorization") === `Bearer ${next?.access_token}`)).toBe(true);
  });

  it("refreshes once on token_expired when its own clock thought the token fresh, and retries each call", async () => {
    const loginTime = Date.now();
    const { client, seen } = clientFor({ now: () => loginTime });
    const account = await registered(client);
    await client.auth.login(account.email, account.password);
    pastExpiry();
    const results = await Promise.all(Array.from({ length: 10 }, () => client.auth.me()));
    expect(results.every((r) => r.user_id === account.user_id)).toBe(true);
    expect(seen.filter((s) => s.path === "/api/v1/auth/refresh")).toHaveLength(1);
    const statuses = seen.filter((s) => s.path === "/api/v1/me").map((s) => s.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
  });

  it("surfaces refresh-token reuse as SessionEndedError and clears the session", async () => {
    const saved: Array<Session | null> = [];
    const store = memorySessionStore();
    const { client } = clientFor({
      sessionStore: {
        load: store.load,
        save: (s) => {
          saved.push(s);
          return store.save(s);
        },
      },
    });
    const account = await registered(client);
    const stolen = await client.auth.login(account.email, account.password);
    await client.auth.refresh(); // rotates: the stolen refresh token is dead now
    // The thief presents the old token: the server revokes the whole family.
    const thief = await call("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: stolen.refresh_token }),
    });
    expect((await json(thief)).error.code).toBe("refresh_token_reused");
    pastExpiry();
    const error = await client.auth.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionEndedError);
    expect(error).toMatchObject({ status: 401, code: "invalid_token" });
    expect((error as ParapetError).request_id).toMatch(/^req_/);
    expect(await client.session.get()).toBeNull();
    expect(saved.at(-1)).toBeNull();
  });

  it("surfaces refresh_token_reused itself when the client presents a rotated token", async () => {
    const { client } = clientFor();
    const account = await registered(client);
    const old = await client.auth.login(account.email, account.password);
    // Someone else rotated this session behind the client's back (e.g. a copied config file).
    const other = await call("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: old.refresh_token }),
    });
    expect(other.status).toBe(200);
    const error = await client.auth.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionEndedError);
    expect(error).toMatchObject({ code: "refresh_token_reused", status: 401 });
    expect(await client.session.get()).toBeNull();
  });

  it("logs out: clears the session and revokes it on the server", async () => {
    const { client } = clientFor();
    const account = await registered(client);
    const session = await client.auth.login(account.email, account.password);
    await client.auth.logout();
    expect(await client.session.get()).toBeNull();
    const refresh = await call("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: session.refresh_token }),
    });
    expect(refresh.status).toBe(401);
    // Without a session the client calls anonymously; /me then needs credentials.
    const error = await client.auth.me().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unauthorized", status: 401 });
  });

  it("ends the session once the server revoked it: the next call tries one refresh and clears it", async () => {
    const { client, seen } = clientFor();
    const account = await registered(client);
    const session = await client.auth.login(account.email, account.password);
    // Logged out elsewhere (another device): the session is revoked on the server.
    const logout = await call("/api/v1/auth/logout", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: session.refresh_token }),
    });
    expect(logout.status).toBe(204);
    const error = await client.auth.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionEndedError);
    expect(error).toMatchObject({ code: "invalid_token", status: 401 });
    expect(seen.map((s) => `${s.path} ${s.status}`).slice(-2)).toEqual(["/api/v1/me 401", "/api/v1/auth/refresh 401"]);
    expect(await client.session.get()).toBeNull();
  });

  it("turns a wrong password into a typed error with code, status and request id", async () => {
    const { client } = clientFor();
    const account = await registered(client);
    const error = await client.auth.login(account.email, "not the right password").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParapetError);
    expect(error).toMatchObject({ code: "invalid_credentials", status: 401 });
    expect((error as ParapetError).request_id).toMatch(/^req_/);
    expect(await client.session.get()).toBeNull();
  });
});
