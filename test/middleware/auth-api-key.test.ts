import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectError, json, tokenFor } from "../helpers";
import { account, createKey } from "../key-helpers";

const me = (headers: Record<string, string>) => call("/api/v1/me", { headers });

describe("authenticate: an API key and a second credential together", () => {
  it("uses the key's scopes when a JWT of the same account comes along (the JWT never widens access)", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { scopes: ["read:market"] });
    const res = await me({ ...owner.headers, "X-API-Key": key.api_key });
    expect(res.status).toBe(200);
    expect((await json(res)).permissions).toEqual(["read:market"]);
  });

  it("refuses a JWT of another account next to the key with invalid_token", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    const stranger = await tokenFor("admin", `usr_keys_stranger_${crypto.randomUUID().slice(0, 8)}`);
    await expectError(
      await me({ Authorization: `Bearer ${stranger}`, "X-API-Key": key.api_key }),
      401,
      "invalid_token",
    );
  });

  it("refuses a broken JWT next to a valid key with invalid_token", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    await expectError(await me({ Authorization: "Bearer not.a.jwt", "X-API-Key": key.api_key }), 401, "invalid_token");
  });

  it("refuses two different keys with invalid_api_key and accepts the same key twice", async () => {
    const owner = await account("trader");
    const a = await createKey(owner.headers);
    const b = await createKey(owner.headers);
    await expectError(
      await me({ Authorization: `Bearer ${b.api_key}`, "X-API-Key": a.api_key }),
      401,
      "invalid_api_key",
    );
    expect((await me({ Authorization: `Bearer ${a.api_key}`, "X-API-Key": a.api_key })).status).toBe(200);
  });

  it("keeps a trader's key to its own scopes even though the owner holds more", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { scopes: ["read:market", "read:tokens"] });
    const body = await json(await me({ "X-API-Key": key.api_key }));
    expect(body.permissions).toEqual(["read:market", "read:tokens"]);
    expect(body.role).toBe("trader");
  });

  it("cuts a key's scopes to its owner's current role", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { scopes: ["read:market", "read:portfolio", "write:trading"] });
    // The owner is downgraded before the key is next used (no cached entry yet).
    await env.DB.prepare("UPDATE users SET role = 'developer' WHERE id = ?1").bind(owner.userId).run();
    const body = await json(await me({ "X-API-Key": key.api_key }));
    expect(body.permissions).toEqual(["read:market"]);
    expect(body.role).toBe("developer");
  });
});
