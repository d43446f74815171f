import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectError, json } from "../helpers";
import { account, createKey, send, signedSend } from "../key-helpers";

const me = (apiKey: string) => call("/api/v1/me", { headers: { "X-API-Key": apiKey } });

describe("API keys: rotation", () => {
  it("issues a working new key and stops the old one at once, keeping name, scopes, rules and lifetime", async () => {
    const owner = await account("trader");
    const old = await createKey(owner.headers, {
      name: "bot",
      scopes: ["read:market", "write:trading"],
      ip_allowlist: ["10.1.2.0/24"],
      expires_in_days: 30,
    });
    const res = await send("POST", `/api/v1/keys/${old.key_id}/rotate`, owner.headers);
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const next = await json(res);
    expect(next.key_id).not.toBe(old.key_id);
    expect(next.api_key).not.toBe(old.api_key);
    expect(next.api_secret).not.toBe(old.api_secret);
    expect(next).toMatchObject({
      name: "bot",
      scopes: ["read:market", "write:trading"],
      ip_allowlist: ["10.1.2.0/24"],
      status: "active",
    });
    expect(Date.parse(next.expires_at) - Date.parse(next.created_at)).toBe(30 * 86_400_000);
    expect(Date.parse(next.rotate_after) - Date.parse(next.created_at)).toBe(90 * 86_400_000);

    const from = { "CF-Connecting-IP": "10.1.2.7" };
    expect((await call("/api/v1/me", { headers: { "X-API-Key": next.api_key, ...from } })).status).toBe(200);
    await expectError(
      await call("/api/v1/me", { headers: { "X-API-Key": old.api_key, ...from } }),
      401,
      "invalid_api_key",
    );
    const listed = await json(await send("GET", `/api/v1/keys/${old.key_id}`, owner.headers));
    expect(listed.status).toBe("revoked");
  });

  it("refuses to rotate a revoked key with 409 conflict", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    await send("DELETE", `/api/v1/keys/${key.key_id}`, owner.headers);
    await expectError(await send("POST", `/api/v1/keys/${key.key_id}/rotate`, owner.headers), 409, "conflict");
  });

  it("issues exactly one successor when one key is rotated twice at once", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    const results = await Promise.all(
      [0, 1, 2].map(() => send("POST", `/api/v1/keys/${key.key_id}/rotate`, owner.headers)),
    );
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(1);
    for (const res of results.filter((r) => r.status !== 201)) await expectError(res, 409, "conflict");
    const { keys } = await json(await send("GET", "/api/v1/keys", owner.headers));
    expect(keys.filter((k: { status: string }) => k.status === "active")).toHaveLength(1);
  });

  it("lets a key rotate itself with a signed request; the new key works and the caller stops", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    const res = await signedSend(key, "POST", `/api/v1/keys/${key.key_id}/rotate`);
    expect(res.status).toBe(201);
    const next = await json(res);
    expect((await me(next.api_key)).status).toBe(200);
    await expectError(await me(key.api_key), 401, "invalid_api_key");
  });
});

describe("API keys: expiry", () => {
  it("refuses an expired key with invalid_api_key and shows it as expired", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { expires_in_days: 1 });
    // Time passing: move the expiry into the past before the key is ever used.
    await env.DB.prepare("UPDATE api_keys SET expires_at = ?2 WHERE id = ?1")
      .bind(key.key_id, Date.now() - 1)
      .run();
    const error = await expectError(await me(key.api_key), 401, "invalid_api_key");
    expect(error.message).toContain("expired");
    const read = await json(await send("GET", `/api/v1/keys/${key.key_id}`, owner.headers));
    expect(read.status).toBe("expired");
    await expectError(await send("POST", `/api/v1/keys/${key.key_id}/rotate`, owner.headers), 409, "conflict");
  });
});

describe("API keys: managed with an API key", () => {
  it("needs every key-management call made with a key to be signed", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    await expectError(await send("GET", "/api/v1/keys", { "X-API-Key": key.api_key }), 401, "invalid_signature");
    const res = await signedSend(key, "GET", "/api/v1/keys");
    expect(res.status).toBe(200);
    expect((await json(res)).keys.map((k: { key_id: string }) => k.key_id)).toEqual([key.key_id]);
  });

  it("creates keys within its own scopes and restrictions, inheriting the ones not given", async () => {
    const owner = await account("trader");
    const parent = await createKey(owner.headers, {
      scopes: ["read:market", "read:portfolio"],
      ip_allowlist: ["10.1.0.0/16"],
      expires_in_days: 10,
    });
    const from = { "CF-Connecting-IP": "10.1.2.3" };
    const child = await signedSend(parent, "POST", "/api/v1/keys", { name: "child", scopes: ["read:market"] }, from);
    expect(child.status).toBe(201);
    const body = await json(child);
    expect(body.ip_allowlist).toEqual(["10.1.0.0/16"]);
    expect(body.expires_at).not.toBeNull();

    const narrower = await signedSend(
      parent,
      "POST",
      "/api/v1/keys",
      { name: "narrow", scopes: ["read:market"], ip_allowlist: ["10.1.2.0/24"] },
      from,
    );
    expect(narrower.status).toBe(201);

    const tooMany = await signedSend(parent, "POST", "/api/v1/keys", { name: "x", scopes: ["write:trading"] }, from);
    expect((await expectError(tooMany, 403, "forbidden")).details.refused_scopes).toEqual(["write:trading"]);
    const wider = await signedSend(
      parent,
      "POST",
      "/api/v1/keys",
      { name: "x", scopes: ["read:market"], ip_allowlist: [] },
      from,
    );
    expect((await expectError(wider, 403, "forbidden")).details.exceeds).toEqual(["ip_allowlist"]);
    const longer = await signedSend(
      parent,
      "POST",
      "/api/v1/keys",
      { name: "x", scopes: ["read:market"], expires_in_days: 300 },
      from,
    );
    expect((await expectError(longer, 403, "forbidden")).details.exceeds).toEqual(["expires_at"]);
  });

  it("cannot see, rotate or revoke a more powerful key of the same account", async () => {
    const owner = await account("trader");
    const trading = await createKey(owner.headers, { scopes: ["read:market", "write:trading"] });
    const reader = await createKey(owner.headers, { scopes: ["read:market"] });
    for (const [method, path] of [
      ["GET", `/api/v1/keys/${trading.key_id}`],
      ["POST", `/api/v1/keys/${trading.key_id}/rotate`],
      ["DELETE", `/api/v1/keys/${trading.key_id}`],
      ["GET", `/api/v1/keys/${trading.key_id}/usage`],
    ] as const) {
      await expectError(await signedSend(reader, method, path), 404, "not_found");
    }
    const listed = await json(await signedSend(reader, "GET", "/api/v1/keys"));
    expect(listed.keys.map((k: { key_id: string }) => k.key_id)).toEqual([reader.key_id]);
    // The trading key still works, and the more powerful key can manage the weaker one.
    expect((await me(trading.api_key)).status).toBe(200);
    expect((await signedSend(trading, "GET", `/api/v1/keys/${reader.key_id}`)).status).toBe(200);
  });
});
