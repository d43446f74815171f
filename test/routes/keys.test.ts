import bs58 from "bs58";
import { describe, expect, it } from "vitest";
import { call, expectError, json } from "../helpers";
import { account, createKey, send } from "../key-helpers";

const me = (headers: Record<string, string>) => call("/api/v1/me", { headers });

describe("API keys: happy path", () => {
  it("creates a key, uses it with X-API-Key and with Authorization: Bearer, never lists its secrets, and refuses it once revoked", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { name: "bot", scopes: ["read:market", "read:portfolio"] });

    const styles: Array<Record<string, string>> = [
      { "X-API-Key": key.api_key },
      { Authorization: `Bearer ${key.api_key}` },
    ];
    for (const headers of styles) {
      const res = await me(headers);
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body.user_id).toBe(owner.userId);
      expect(body.permissions).toEqual(["read:market", "read:portfolio"]);
    }

    const listed = await send("GET", "/api/v1/keys", owner.headers);
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toContain(key.api_key);
    expect(text).not.toContain(key.api_secret);
    const { keys } = JSON.parse(text);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ key_id: key.key_id, prefix: key.prefix, status: "active" });
    expect(keys[0]).not.toHaveProperty("api_key");
    expect(keys[0]).not.toHaveProperty("api_secret");

    const one = await send("GET", `/api/v1/keys/${key.key_id}`, owner.headers);
    const oneText = await one.text();
    expect(oneText).not.toContain(key.api_key);
    expect(oneText).not.toContain(key.api_secret);

    expect((await send("DELETE", `/api/v1/keys/${key.key_id}`, owner.headers)).status).toBe(204);
    await expectError(await me({ "X-API-Key": key.api_key }), 401, "invalid_api_key");
    await expectError(await me({ Authorization: `Bearer ${key.api_key}` }), 401, "invalid_api_key");
    const after = await json(await send("GET", `/api/v1/keys/${key.key_id}`, owner.headers));
    expect(after.status).toBe("revoked");
    // Revoking again is harmless.
    expect((await send("DELETE", `/api/v1/keys/${key.key_id}`, owner.headers)).status).toBe(204);
  });

  it("issues pk_ keys of 32+ random bytes in base58 with an 11-character prefix, and sk_ secrets", async () => {
    const owner = await account("developer");
    const a = await createKey(owner.headers, { expires_in_days: 30 });
    const b = await createKey(owner.headers);
    expect(a.api_key).toMatch(/^pk_[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    expect(bs58.decode(a.api_key.slice(3)).length).toBeGreaterThanOrEqual(32);
    expect(a.api_secret).toMatch(/^sk_[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    expect(a.api_key).not.toBe(b.api_key);
    expect(a.api_secret).not.toBe(b.api_secret);
    expect(a.prefix).toBe(a.api_key.slice(0, 11));
    expect(a.key_id).toMatch(/^key_[0-9a-f]{24}$/);
    const created = Date.parse(a.created_at);
    expect(Date.parse(a.rotate_after) - created).toBe(90 * 86_400_000);
    expect(Date.parse(a.expires_at as string) - created).toBe(30 * 86_400_000);
    expect(b.expires_at).toBeNull();
    expect(a).toMatchObject({
      tier: "basic",
      status: "active",
      ip_allowlist: [],
      allowed_countries: [],
      last_used_at: null,
    });
  });

  it("pages through keys newest first with an opaque cursor", async () => {
    const owner = await account("developer");
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createKey(owner.headers, { name: `k${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = await json(await send("GET", `/api/v1/keys?limit=2${query}`, owner.headers));
      expect(page.keys.length).toBeLessThanOrEqual(2);
      seen.push(...page.keys.map((k: { key_id: string }) => k.key_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(made.map((k) => k.key_id)));
    await expectError(await send("GET", "/api/v1/keys?cursor=garbage!", owner.headers), 400, "validation_error");
    await expectError(await send("GET", "/api/v1/keys?limit=1001", owner.headers), 400, "validation_error");
  });
});

describe("API keys: scopes and tiers", () => {
  it("refuses a developer who asks for write:trading with 403 forbidden", async () => {
    const dev = await account("developer");
    const res = await send("POST", "/api/v1/keys", dev.headers, {
      name: "x",
      scopes: ["read:market", "write:trading"],
    });
    const error = await expectError(res, 403, "forbidden");
    expect(error.details.refused_scopes).toEqual(["write:trading"]);
  });

  it("lets only an admin grant the premium and enterprise tiers", async () => {
    const trader = await account("trader");
    await expectError(
      await send("POST", "/api/v1/keys", trader.headers, { name: "x", scopes: ["read:market"], tier: "premium" }),
      403,
      "forbidden",
    );
    const admin = await account("admin");
    const premium = await createKey(admin.headers, { tier: "premium" });
    const enterprise = await createKey(admin.headers, { tier: "enterprise", scopes: ["admin"] });
    expect([premium.tier, enterprise.tier]).toEqual(["premium", "enterprise"]);
  });
});

describe("API keys: validation", () => {
  it.each([
    ["no name", { scopes: ["read:market"] }],
    ["an unknown scope", { name: "x", scopes: ["read:everything"] }],
    ["no scopes", { name: "x", scopes: [] }],
    ["an unknown field", { name: "x", scopes: ["read:market"], owner: "someone" }],
    ["expires_in_days 0", { name: "x", scopes: ["read:market"], expires_in_days: 0 }],
    ["expires_in_days 366", { name: "x", scopes: ["read:market"], expires_in_days: 366 }],
    ["a fractional expiry", { name: "x", scopes: ["read:market"], expires_in_days: 1.5 }],
    ["an unknown tier", { name: "x", scopes: ["read:market"], tier: "gold" }],
    ["a name with control characters", { name: "a\u0000b", scopes: ["read:market"] }],
    ["a 101-character name", { name: "n".repeat(101), scopes: ["read:market"] }],
  ])("answers a body with %s with 400 validation_error", async (_what, body) => {
    const owner = await account("trader");
    const error = await expectError(await send("POST", "/api/v1/keys", owner.headers, body), 400, "validation_error");
    expect((error.details.issues as unknown[]).length).toBeGreaterThan(0);
  });

  it("answers a malformed key id with 400 and needs credentials", async () => {
    const owner = await account("trader");
    await expectError(await send("GET", "/api/v1/keys/not-a-key", owner.headers), 400, "validation_error");
    await expectError(await send("GET", "/api/v1/keys", {}), 401, "unauthorized");
  });

  it("refuses strings that are not keys, and unknown keys, with 401 invalid_api_key", async () => {
    for (const value of ["pk_short", "pk_0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl", `pk_${"1".repeat(44)}`, ""]) {
      await expectError(await me({ "X-API-Key": value }), 401, "invalid_api_key");
    }
  });
});

describe("API keys: another account's keys", () => {
  it("answers every key route for another account's key exactly like a missing key", async () => {
    const owner = await account("trader");
    const other = await account("trader");
    const key = await createKey(owner.headers);
    const missing = "key_000000000000000000000000";
    const routes: Array<[string, string]> = [
      ["GET", "/api/v1/keys/ID"],
      ["DELETE", "/api/v1/keys/ID"],
      ["POST", "/api/v1/keys/ID/rotate"],
      ["GET", "/api/v1/keys/ID/usage"],
    ];
    for (const [method, template] of routes) {
      const theirs = await send(method, template.replace("ID", key.key_id), other.headers);
      const none = await send(method, template.replace("ID", missing), other.headers);
      const a = await expectError(theirs, 404, "not_found");
      const b = await expectError(none, 404, "not_found");
      expect({ ...a, request_id: "" }).toEqual({ ...b, request_id: "" });
    }
    // The owner's key was untouched by all of that.
    expect((await me({ "X-API-Key": key.api_key })).status).toBe(200);
    const listed = await json(await send("GET", "/api/v1/keys", other.headers));
    expect(listed.keys).toEqual([]);
  });
});
