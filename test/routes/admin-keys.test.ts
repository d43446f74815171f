import { env } from "cloudflare:workers";
import { createRoute, z } from "@hono/zod-openapi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { requireScope } from "../../src/middleware/auth";
import { BASE, call, expectError, json } from "../helpers";
import { account, createKey, send, signedSend } from "../key-helpers";

const me = (apiKey: string) => call("/api/v1/me", { headers: { "X-API-Key": apiKey } });

/** The app with a route that shows the resolved principal (what the rate limiter reads). */
function principalApp() {
  const app = createApp();
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/__test/principal",
      middleware: [requireScope()],
      responses: { 200: { description: "ok", content: { "application/json": { schema: z.any() } } } },
    }),
    (c) => c.json(c.get("principal") ?? null, 200),
  );
  return (apiKey: string) => app.request(`${BASE}/api/v1/__test/principal`, { headers: { "X-API-Key": apiKey } }, env);
}

afterEach(() => vi.restoreAllMocks());

describe("admin: suspend and unsuspend keys", () => {
  it("suspends any account's key at once (403 key_suspended), blocks its rotation, and reinstates it", async () => {
    const logs: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => void logs.push(line));
    vi.spyOn(console, "warn").mockImplementation((line: string) => void logs.push(line));
    const owner = await account("trader");
    const admin = await account("admin");
    const key = await createKey(owner.headers, { name: "leaky" });
    expect((await me(key.api_key)).status).toBe(200);

    const suspended = await send("POST", `/api/v1/admin/keys/${key.key_id}/suspend`, admin.headers, {
      reason: "secret found in a public repo",
    });
    expect(suspended.status).toBe(200);
    expect(await json(suspended)).toMatchObject({ key_id: key.key_id, status: "suspended" });
    await expectError(await me(key.api_key), 403, "key_suspended");
    await expectError(await send("POST", `/api/v1/keys/${key.key_id}/rotate`, owner.headers), 403, "key_suspended");
    expect((await json(await send("GET", `/api/v1/keys/${key.key_id}`, owner.headers))).status).toBe("suspended");

    const events = logs
      .map((line) => JSON.parse(line))
      .filter((e) => e.msg === "audit_event" || e.msg === "security_event");
    expect(events).toContainEqual(
      expect.objectContaining({
        event: "key.suspended",
        key_id: key.key_id,
        account_id: owner.userId,
        details: { name: "leaky" },
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ msg: "security_event", type: "key_suspended", account_id: owner.userId }),
    );

    const back = await send("POST", `/api/v1/admin/keys/${key.key_id}/unsuspend`, admin.headers);
    expect(await json(back)).toMatchObject({ status: "active" });
    expect((await me(key.api_key)).status).toBe(200);
    expect(logs.some((line) => line.includes('"key.unsuspended"'))).toBe(true);
  });

  it("is for admins only, answers unknown keys with 404 and revoked ones with 409", async () => {
    const owner = await account("trader");
    const admin = await account("admin");
    const key = await createKey(owner.headers);
    await expectError(await send("POST", `/api/v1/admin/keys/${key.key_id}/suspend`, owner.headers), 403, "forbidden");
    await expectError(
      await send("POST", "/api/v1/admin/keys/key_000000000000000000000000/suspend", admin.headers),
      404,
      "not_found",
    );
    await send("DELETE", `/api/v1/keys/${key.key_id}`, owner.headers);
    await expectError(await send("POST", `/api/v1/admin/keys/${key.key_id}/suspend`, admin.headers), 409, "conflict");
    await expectError(
      await send("POST", `/api/v1/admin/keys/${key.key_id}/suspend`, admin.headers, { why: 1 }),
      400,
      "validation_error",
    );
  });

  it("needs an admin's API key to sign its calls", async () => {
    const owner = await account("trader");
    const admin = await account("admin");
    const adminKey = await createKey(admin.headers, { scopes: ["admin"] });
    const key = await createKey(owner.headers);
    await expectError(
      await send("POST", `/api/v1/admin/keys/${key.key_id}/suspend`, { "X-API-Key": adminKey.api_key }),
      401,
      "invalid_signature",
    );
    const signed = await signedSend(adminKey, "POST", `/api/v1/admin/keys/${key.key_id}/suspend`);
    expect(signed.status).toBe(200);
  });
});

describe("admin: tiers and enterprise limits", () => {
  it("grants enterprise with a per-key rate that reaches the principal, and clears it when leaving enterprise", async () => {
    const owner = await account("trader");
    const admin = await account("admin");
    const key = await createKey(owner.headers);
    const principal = principalApp();
    expect(await json(await principal(key.api_key))).toMatchObject({
      kind: "api_key",
      tier: "basic",
      key_id: key.key_id,
    });

    const res = await send("PUT", `/api/v1/admin/keys/${key.key_id}/limits`, admin.headers, {
      tier: "enterprise",
      rate_per_minute: 5000,
      burst: 8000,
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ tier: "enterprise", rate_limit: { rate_per_minute: 5000, burst: 8000 } });
    expect(await json(await principal(key.api_key))).toMatchObject({
      tier: "enterprise",
      rate_limit: { rate_per_minute: 5000, burst: 8000 },
    });

    const premium = await json(
      await send("PUT", `/api/v1/admin/keys/${key.key_id}/limits`, admin.headers, { tier: "premium" }),
    );
    expect(premium).toMatchObject({ tier: "premium", rate_limit: null });
    const seen = await json(await principal(key.api_key));
    expect(seen.tier).toBe("premium");
    expect(seen).not.toHaveProperty("rate_limit");
  });

  it("refuses incomplete or contradictory limits with 400, and a rate for a non-enterprise key with 409", async () => {
    const owner = await account("trader");
    const admin = await account("admin");
    const key = await createKey(owner.headers);
    const put = (body: unknown) => send("PUT", `/api/v1/admin/keys/${key.key_id}/limits`, admin.headers, body);
    await expectError(await put({}), 400, "validation_error");
    await expectError(await put({ rate_per_minute: 100 }), 400, "validation_error");
    await expectError(await put({ tier: "basic", rate_per_minute: 100, burst: 10 }), 400, "validation_error");
    await expectError(await put({ tier: "enterprise", rate_per_minute: 0, burst: 10 }), 400, "validation_error");
    await expectError(await put({ rate_per_minute: 100, burst: 100 }), 409, "conflict");
    await expectError(
      await send("PUT", `/api/v1/admin/keys/${key.key_id}/limits`, owner.headers, { tier: "premium" }),
      403,
      "forbidden",
    );
  });
});
