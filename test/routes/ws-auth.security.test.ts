import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { StreamRoom } from "../../durable-objects/stream-room";
import { getConfig } from "../../src/config";
import { signAccessToken } from "../../src/services/auth/jwt";
import { CAP_RETRY_AFTER_SECONDS } from "../../src/services/realtime/connect";
import { CLOSE_CODES } from "../../src/services/realtime/protocol";
import type { Role, Scope } from "../../src/types";
import { claimsOf, post, signedInUser } from "../auth-helpers";
import { authHeader, call, expectError, tokenFor } from "../helpers";
import { account, createKey, send } from "../key-helpers";
import { type Client, connect, roomOf, upgrade } from "../ws-helpers";

const open: Client[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const client of open.splice(0)) client.close();
});

const newAccount = () => `usr_ws_${crypto.randomUUID()}`;

/** A valid access token of a live session whose `permissions` claim is exactly `scopes`. */
async function tokenWithScopes(role: Role, scopes: Scope[], ttlSeconds?: number): Promise<string> {
  const account = newAccount();
  const { sid } = claimsOf(await tokenFor(role, account)) as { sid: string };
  const config = { ...getConfig(env), ...(ttlSeconds === undefined ? {} : { ACCESS_TOKEN_TTL_SECONDS: ttlSeconds }) };
  return (await signAccessToken(config, { sub: account, role, permissions: scopes, sid })).token;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("WebSocket upgrades: credentials are checked before upgrading", () => {
  it.each(["/ws/market", "/ws/alerts"])("refuses %s without credentials with 401 unauthorized", async (path) => {
    const res = await upgrade(path);
    expect(res.webSocket).toBeNull();
    await expectError(res, 401, "unauthorized");
  });

  it("refuses a bad bearer token with 401 invalid_token", async () => {
    const res = await upgrade("/ws/market", bearer("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad"));
    expect(res.webSocket).toBeNull();
    await expectError(res, 401, "invalid_token");
  });

  it("refuses a bad ?token= with 401 invalid_token", async () => {
    const res = await upgrade("/ws/alerts?token=not-a-jwt");
    expect(res.webSocket).toBeNull();
    await expectError(res, 401, "invalid_token");
  });

  it("refuses an unknown API key in ?token= with 401 invalid_api_key", async () => {
    const res = await upgrade(`/ws/market?token=pk_${"1".repeat(40)}`);
    expect(res.webSocket).toBeNull();
    await expectError(res, 401, "invalid_api_key");
  });

  it("refuses an expired token with 401 token_expired", async () => {
    const expired = await tokenWithScopes("developer", ["read:market"], -60);
    const res = await upgrade(`/ws/market?token=${expired}`);
    expect(res.webSocket).toBeNull();
    await expectError(res, 401, "token_expired");
  });

  it("refuses the access token of a logged-out session", async () => {
    const { tokens } = await signedInUser();
    expect((await post("/api/v1/auth/logout", { refresh_token: tokens.refresh_token })).status).toBe(204);
    const res = await upgrade("/ws/market", bearer(tokens.access_token));
    expect(res.webSocket).toBeNull();
    await expectError(res, 401, "invalid_token");
  });

  it("refuses a credential in both a header and ?token= with 400", async () => {
    const token = await tokenFor("developer", newAccount());
    const res = await upgrade(`/ws/market?token=${token}`, bearer(token));
    expect(res.webSocket).toBeNull();
    const err = await expectError(res, 400, "validation_error");
    expect(err.details.issues).toEqual([expect.objectContaining({ path: "query.token" })]);
  });

  it("refuses /ws/alerts to a token without read:tokens with 403 forbidden, and lets it open /ws/market", async () => {
    const token = await tokenWithScopes("developer", ["read:market", "read:analysis"]);
    const res = await upgrade(`/ws/alerts?token=${token}`);
    expect(res.webSocket).toBeNull();
    const err = await expectError(res, 403, "forbidden");
    expect(err.details).toEqual({ required_scopes: ["read:tokens"] });
    const market = await connect(`/ws/market?token=${token}`);
    open.push(market);
  });

  it("refuses /ws/alerts to a developer's API key without read:tokens, in X-API-Key and in ?token=", async () => {
    const developer = await account("developer");
    const key = await createKey(developer.headers, { scopes: ["read:market"] });
    for (const res of [
      await upgrade("/ws/alerts", { "X-API-Key": key.api_key }),
      await upgrade(`/ws/alerts?token=${key.api_key}`),
      await upgrade("/ws/alerts", { Authorization: `Bearer ${key.api_key}` }),
    ]) {
      expect(res.webSocket).toBeNull();
      const err = await expectError(res, 403, "forbidden");
      expect(err.details).toEqual({ required_scopes: ["read:tokens"] });
    }
    // The same key opens what its scopes allow.
    open.push(await connect(`/ws/market?token=${key.api_key}`));
  });

  it("opens /ws/alerts with an API key that holds read:tokens", async () => {
    const developer = await account("developer");
    const key = await createKey(developer.headers, { scopes: ["read:tokens"] });
    const client = await connect("/ws/alerts", { "X-API-Key": key.api_key });
    open.push(client);
    expect(await client.request({ action: "subscribe", channel: "anomalies" })).toMatchObject({ type: "subscribed" });
  });

  it("refuses an API key whose companion bearer token names another account, as REST does", async () => {
    const developer = await account("developer");
    const key = await createKey(developer.headers, { scopes: ["read:market"] });
    const res = await upgrade("/ws/market", { "X-API-Key": key.api_key, ...(await account("developer")).headers });
    expect(res.webSocket).toBeNull();
    await expectError(res, 401, "invalid_token");
  });

  it("refuses /ws/market to a token without read:market with 403 forbidden", async () => {
    const token = await tokenWithScopes("developer", ["read:tokens"]);
    await expectError(await upgrade("/ws/market", bearer(token)), 403, "forbidden");
    open.push(await connect("/ws/alerts", bearer(token)));
  });

  it("never writes the ?token= value to a log line", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const good = await tokenFor("developer", newAccount());
    const client = await connect(`/ws/market?token=${good}`);
    open.push(client);
    await upgrade("/ws/market?token=secret-looking-garbage-token-value");
    await upgrade(`/ws/market?token=pk_${"9".repeat(40)}`);
    expect(lines.length).toBeGreaterThanOrEqual(3); // the three request lines were written…
    const leaked = lines.filter((line) =>
      [good, "secret-looking-garbage", "9".repeat(40)].some((t) => line.includes(t)),
    );
    expect(leaked).toEqual([]); // …without any of the tokens
  });
});

describe("WebSocket upgrades: per-account connection cap", () => {
  it("admits 100 sockets per account over both endpoints, refuses the 101st with 429, frees a slot on close", async () => {
    const token = await tokenFor("developer", newAccount());
    const clients: Client[] = [];
    for (let i = 0; i < 100; i++) clients.push(await connect(i % 2 ? "/ws/alerts" : "/ws/market", bearer(token)));
    open.push(...clients);

    const refused = await upgrade("/ws/alerts", bearer(token));
    expect(refused.webSocket).toBeNull();
    expect(refused.headers.get("Retry-After")).toBe(String(CAP_RETRY_AFTER_SECONDS));
    const err = await expectError(refused, 429, "rate_limit_exceeded");
    expect(err.details).toEqual({ reason: "connection_limit", limit: 100 });

    // Another account is not affected.
    open.push(await connect("/ws/market", bearer(await tokenFor("developer", newAccount()))));

    const first = clients[0] as Client;
    first.close();
    await first.closeEvent();
    const again = await vi.waitUntil(async () => {
      const res = await upgrade("/ws/market", bearer(token));
      if (res.status === 101) return res;
      await res.arrayBuffer();
      return null;
    });
    again.webSocket?.accept();
    again.webSocket?.close(1000);
  });
});

describe("WebSocket sessions end with their credential", () => {
  it("closes a socket with 4401 once its session is logged out", async () => {
    const { user, tokens } = await signedInUser();
    const client = await connect("/ws/market", bearer(tokens.access_token));
    open.push(client);
    expect((await post("/api/v1/auth/logout", { refresh_token: tokens.refresh_token })).status).toBe(204);

    expect(await runDurableObjectAlarm(roomOf(user.user_id))).toBe(true);
    expect(await client.closeEvent()).toEqual({ code: CLOSE_CODES.credentialEnded, reason: expect.any(String) });
  });

  it("closes a socket with 4401 once its API key is revoked, and keeps the owner's other sockets", async () => {
    const developer = await account("developer");
    const [revoked, kept] = [
      await createKey(developer.headers, { scopes: ["read:market"] }),
      await createKey(developer.headers, { scopes: ["read:market"] }),
    ];
    const [doomed, survivor] = [
      await connect(`/ws/market?token=${revoked.api_key}`),
      await connect(`/ws/market?token=${kept.api_key}`),
    ];
    open.push(doomed, survivor);
    expect((await send("DELETE", `/api/v1/keys/${revoked.key_id}`, developer.headers)).status).toBe(204);

    expect(await runDurableObjectAlarm(roomOf(developer.userId))).toBe(true);
    expect(await doomed.closeEvent()).toEqual({ code: CLOSE_CODES.credentialEnded, reason: expect.any(String) });
    survivor.send("ping");
    expect(await survivor.nextText()).toBe("pong");
  });

  it("closes a socket with 4403 once its IP is blocked, and keeps the account's sockets from other IPs", async () => {
    const account = newAccount();
    const token = await tokenFor("developer", account);
    const [blockedIp, otherIp] = ["198.51.100.77", "198.51.100.78"];
    const doomed = await connect("/ws/market", { ...bearer(token), "CF-Connecting-IP": blockedIp });
    const survivor = await connect("/ws/alerts", { ...bearer(token), "CF-Connecting-IP": otherIp });
    open.push(doomed, survivor);

    // Nothing is blocked yet: a sweep keeps both.
    expect(await runDurableObjectAlarm(roomOf(account))).toBe(true);
    survivor.send("ping");
    expect(await survivor.nextText()).toBe("pong");

    const admin = await authHeader("admin", "usr_admin_ws_blocks");
    const added = await call("/api/v1/admin/ip-blocks", {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ ip: blockedIp, reason: "abuse" }),
    });
    expect(added.status).toBe(201);

    await vi.waitUntil(
      async () => {
        await runDurableObjectAlarm(roomOf(account));
        await new Promise((resolve) => setTimeout(resolve, 50));
        return doomed.isClosed;
      },
      { timeout: 10_000, interval: 500 },
    );
    expect(await doomed.closeEvent()).toEqual({ code: CLOSE_CODES.ipBlocked, reason: expect.any(String) });
    survivor.send("ping");
    expect(await survivor.nextText()).toBe("pong");
  });

  it("keeps a socket whose session is alive, and closes it with 4401 once its token expires", async () => {
    const account = newAccount();
    const token = await tokenFor("developer", account);
    const client = await connect("/ws/market", bearer(token));
    open.push(client);
    const room = roomOf(account) as DurableObjectStub<StreamRoom>;

    expect(await runDurableObjectAlarm(room)).toBe(true);
    client.send("ping");
    expect(await client.nextText()).toBe("pong");

    // Past the token's expiry, the socket is still active (it just spoke) but its credential ended.
    const exp = (claimsOf(token).exp as number) * 1000;
    await runInDurableObject(room, (instance: StreamRoom) => {
      instance.clock = () => exp + 1000;
    });
    expect((await client.request("{}")).type).toBe("error");
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect((await client.closeEvent()).code).toBe(CLOSE_CODES.credentialEnded);
    await runInDurableObject(room, (instance: StreamRoom) => {
      instance.clock = () => Date.now();
    });
  });
});
