import { env } from "cloudflare:workers";
import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { sha256Hex } from "../../src/lib/crypto";
import { recordEvent } from "../../src/services/audit/record";
import { auditRows, callFrom, flushed, uniqueIp } from "../audit-helpers";
import { PASSWORD, post, registerUser } from "../auth-helpers";
import { authHeader, BASE, call, json } from "../helpers";
import { account, createKey, signedSend } from "../key-helpers";

describe("audit of every request", () => {
  it("writes one api.request entry with the request's facts", async () => {
    const ip = uniqueIp();
    const headers = { ...(await authHeader("trader", "usr_audit_facts")), "User-Agent": "parapet-test/1.0" };
    const res = await callFrom(ip, "/api/v1/me", { headers, country: "NL" });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id");

    const rows = await auditRows("request_id = ?1", requestId);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      event: "api.request",
      account_id: "usr_audit_facts",
      key_id: null,
      method: "GET",
      endpoint: "/api/v1/me",
      status: 200,
      ip,
      country: "NL",
      user_agent: "parapet-test/1.0",
    });
    expect(row?.latency_ms).toBeGreaterThanOrEqual(0);
    expect(Math.abs((row?.ts ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it("records the route template, never the raw path", async () => {
    const res = await call("/api/v1/admin/ip-blocks/blk_raw_path_value", {
      method: "DELETE",
      headers: await authHeader("admin"),
    });
    expect(res.status).toBe(404);
    const [row] = await auditRows("request_id = ?1", res.headers.get("x-request-id"));
    expect(row?.endpoint).toBe("/api/v1/admin/ip-blocks/{block_id}");
    expect(JSON.stringify(row)).not.toContain("blk_raw_path_value");
  });

  it("records refusals and unknown paths, with the error code and the probed path", async () => {
    const refused = await call("/api/v1/me", { headers: { Authorization: "Bearer not.a.jwt" } });
    expect(refused.status).toBe(401);
    const [refusedRow] = await auditRows("request_id = ?1", refused.headers.get("x-request-id"));
    expect(refusedRow).toMatchObject({ status: 401, endpoint: "/api/v1/me", account_id: null });
    expect(JSON.parse(refusedRow?.details ?? "{}")).toEqual({ error_code: "invalid_token" });

    const missing = await call("/wp-admin/setup.php?token=abc");
    expect(missing.status).toBe(404);
    const [missingRow] = await auditRows("request_id = ?1", missing.headers.get("x-request-id"));
    expect(missingRow).toMatchObject({ status: 404, endpoint: null });
    expect(JSON.parse(missingRow?.details ?? "{}")).toEqual({ path: "/wp-admin/setup.php" });
  });

  it("cuts long user agents and masks credentials in them", async () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    const res = await call("/health", { headers: { "User-Agent": `agent ${jwt} ${"x".repeat(600)}` } });
    const [row] = await auditRows("request_id = ?1", res.headers.get("x-request-id"));
    expect(row?.user_agent?.length).toBe(256);
    expect(row?.user_agent).toContain("[redacted]");
    expect(row?.user_agent).not.toContain(jwt);
  });

  it("writes a failed login as an auth.login_failed event beside the request entry", async () => {
    const user = await registerUser();
    const res = await post("/api/v1/auth/login", { email: user.email, password: "wrong password 123" });
    expect(res.status).toBe(401);
    const rows = await auditRows("request_id = ?1", res.headers.get("x-request-id"));
    expect(rows.map((r) => r.event).sort()).toEqual(["api.request", "auth.login_failed"]);
    const failed = rows.find((r) => r.event === "auth.login_failed");
    expect(failed).toMatchObject({ account_id: user.user_id, endpoint: "/api/v1/auth/login", method: "POST" });
    expect(JSON.parse(failed?.details ?? "{}")).toMatchObject({ reason: "bad_password", method: "password" });
  }, 30_000);
});

describe("secrets never reach the audit table", () => {
  it("stores no password, access token or refresh token of a register/login/refresh flow", async () => {
    const user = await registerUser({ password: `${PASSWORD} unique-${crypto.randomUUID()}` });
    const login = await json(await post("/api/v1/auth/login", { email: user.email, password: user.password }));
    const refreshed = await json(await post("/api/v1/auth/refresh", { refresh_token: login.refresh_token }));
    await post("/api/v1/auth/refresh", { refresh_token: login.refresh_token }); // reuse
    await call("/api/v1/me", { headers: { Authorization: `Bearer ${refreshed.access_token}` } });

    const everything = JSON.stringify(await auditRows());
    expect(everything).toContain(user.user_id); // the flow was recorded…
    for (const secret of [user.password, login.access_token, login.refresh_token, refreshed.refresh_token]) {
      expect(everything).not.toContain(secret); // …without its secrets
    }
  }, 30_000);

  it("keeps a created and rotated key's key and secret out of every audit row, and names the key used", async () => {
    const owner = await account("trader");
    const created = await createKey(owner.headers, { name: "audited", scopes: ["read:market", "read:audit"] });
    const used = await call("/api/v1/me", { headers: { "X-API-Key": created.api_key } });
    expect(used.status).toBe(200);
    const rotatedRes = await signedSend(created, "POST", `/api/v1/keys/${created.key_id}/rotate`);
    expect(rotatedRes.status).toBe(201);
    const rotated = await json(rotatedRes);

    const [usedRow] = await auditRows("request_id = ?1", used.headers.get("x-request-id"));
    expect(usedRow).toMatchObject({ account_id: owner.userId, key_id: created.key_id, event: "api.request" });
    const events = await auditRows("account_id = ?1 AND event LIKE 'key.%'", owner.userId);
    expect(events.map((e) => e.event).sort()).toEqual(["key.created", "key.rotated"]);

    const everything = JSON.stringify(await auditRows());
    for (const secret of [created.api_key, created.api_secret, rotated.api_key, rotated.api_secret]) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(secret.slice(3)); // without its prefix
      expect(everything).not.toContain(await sha256Hex(secret)); // nor its hash
    }
  });

  it("drops credential fields and masks credential values that a careless caller passes as details", async () => {
    const apiKey = `pk_${"A1b2C3d4".repeat(5)}`;
    const apiSecret = `sk_${crypto.randomUUID()}`;
    const app = createApp();
    app.openapi(
      createRoute({
        method: "post",
        path: "/api/v1/__test/keys",
        responses: { 201: { description: "a created key", content: { "application/json": { schema: z.object({}) } } } },
      }),
      (c) => {
        recordEvent(c, {
          event: "key.created",
          details: { key_id: "key_test", name: "ci", api_key: apiKey, api_secret: apiSecret, note: `made ${apiKey}` },
        });
        return c.json({ api_key: apiKey, api_secret: apiSecret }, 201);
      },
    );
    const res = await app.request(
      `${BASE}/api/v1/__test/keys`,
      { method: "POST", headers: await authHeader("trader") },
      env,
    );
    expect(res.status).toBe(201);
    await flushed();
    const rows = await auditRows("request_id = ?1", res.headers.get("x-request-id"));
    const created = rows.find((r) => r.event === "key.created");
    expect(JSON.parse(created?.details ?? "{}")).toEqual({ key_id: "key_test", name: "ci", note: "made [redacted]" });
    const all = JSON.stringify(await auditRows());
    expect(all).not.toContain(apiKey);
    expect(all).not.toContain(apiSecret);
  });
});
