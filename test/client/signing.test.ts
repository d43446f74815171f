import { describe, expect, it } from "vitest";
import { importSigningKey, needsSignature, ParapetClient, type Schemas, signatureHeaders } from "../../src/client";
import { clientFor, recordingFetch, registered } from "../client-helpers";
import { BASE } from "../helpers";
import { sign } from "../key-helpers";
import { freshIp, rateLimitEnv } from "../rate-limit-helpers";

const encoder = new TextEncoder();

/** A trader logged in through the SDK, and an API key it created with `scopes`. */
async function keyHolder(scopes: Schemas["CreateKeyRequest"]["scopes"] = ["read:market"]) {
  const { client } = clientFor();
  const account = await registered(client, "trader");
  await client.auth.login(account.email, account.password);
  const issued = await client.keys.create({ name: "sdk test", scopes });
  return { owner: client, issued };
}

describe("API-key mode", () => {
  it("signs key management calls automatically, and the server accepts them", async () => {
    const { issued } = await keyHolder(["read:market"]);
    const { client, seen } = clientFor({ apiKey: { key: issued.api_key, secret: issued.api_secret } });
    const listed = await client.keys.list();
    expect(listed.keys.map((k) => k.key_id)).toContain(issued.key_id);
    const one = await client.keys.get(issued.key_id);
    expect(one.prefix).toBe(issued.prefix);
    for (const request of seen) {
      expect(request.status).toBe(200);
      expect(request.headers.get("x-api-key")).toBe(issued.api_key);
      expect(request.headers.get("x-api-signature")).toMatch(/^[0-9a-f]{64}$/);
      expect(request.headers.has("authorization")).toBe(false);
    }
  });

  it("does not sign calls API.md does not call critical", async () => {
    const { issued } = await keyHolder(["read:market"]);
    const { client, seen } = clientFor({ apiKey: { key: issued.api_key, secret: issued.api_secret } });
    await client.market.symbols();
    expect(seen[0]?.status).toBe(200);
    expect(seen[0]?.headers.get("x-api-key")).toBe(issued.api_key);
    expect(seen[0]?.headers.has("x-api-signature")).toBe(false);
  });

  it("refuses to send a critical call without the signing secret", async () => {
    const { issued } = await keyHolder(["read:market"]);
    const { client, seen } = clientFor({ apiKey: { key: issued.api_key } });
    await expect(client.keys.list()).rejects.toMatchObject({ code: "signing_secret_missing", status: 0 });
    expect(seen).toHaveLength(0);
  });

  it("surfaces a wrong secret as the server's invalid_signature", async () => {
    const { issued } = await keyHolder(["read:market"]);
    const { client } = clientFor({ apiKey: { key: issued.api_key, secret: `${issued.api_secret}x` } });
    await expect(client.keys.list()).rejects.toMatchObject({ code: "invalid_signature", status: 401 });
  });

  it("re-signs each retry, so a retried signed call is never taken for a replay", async () => {
    const { issued } = await keyHolder(["read:market"]);
    const env = rateLimitEnv({ RATE_LIMIT_BASIC_PER_MINUTE: "60", RATE_LIMIT_BASIC_BURST: "1" });
    const { fetch, seen } = recordingFetch(env, freshIp());
    const client = new ParapetClient({
      baseUrl: BASE,
      fetch,
      apiKey: { key: issued.api_key, secret: issued.api_secret },
      random: () => 0,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    await client.keys.list();
    await client.keys.list();
    expect(seen.map((s) => s.status)).toEqual([200, 429, 200]);
    const signatures = new Set(seen.map((s) => s.headers.get("x-api-signature")));
    expect(signatures.size).toBe(3);
  });

  it("corrects its clock from signature_expired and tries once more", async () => {
    const { issued } = await keyHolder(["read:market"]);
    const { client, seen } = clientFor({
      apiKey: { key: issued.api_key, secret: issued.api_secret },
      now: () => Date.now() - 10 * 60_000, // ten minutes slow
    });
    const listed = await client.keys.list();
    expect(listed.keys.length).toBeGreaterThan(0);
    expect(seen.map((s) => s.status)).toEqual([401, 200]);
    // Later calls sign with the corrected clock straight away.
    await client.keys.list();
    expect(seen.map((s) => s.status)).toEqual([401, 200, 200]);
  });
});

describe("request signatures", () => {
  it("compute API.md's example string over the exact body bytes", async () => {
    const body = '{"symbol":"BTC-USDT","size":"0.5","type":"long"}';
    const headers = await signatureHeaders(
      await importSigningKey("sk_example"),
      "post",
      "/api/v1/portfolio/positions",
      encoder.encode(body),
      1732280000000,
    );
    expect(headers["X-API-Timestamp"]).toBe("1732280000000");
    // The tests' own independent HMAC of timestamp + METHOD + path + body.
    expect(headers["X-API-Signature"]).toBe(
      await sign("sk_example", "1732280000000", "POST", "/api/v1/portfolio/positions", body),
    );
  });

  it("name exactly the critical operations", () => {
    expect(needsSignature("POST", "/api/v1/portfolio/positions")).toBe(true);
    expect(needsSignature("DELETE", "/api/v1/portfolio/positions/pos_1")).toBe(true);
    expect(needsSignature("GET", "/api/v1/portfolio/positions")).toBe(false);
    expect(needsSignature("GET", "/api/v1/keys")).toBe(true);
    expect(needsSignature("POST", "/api/v1/keys/key_1/rotate")).toBe(true);
    expect(needsSignature("POST", "/api/v1/admin/keys/key_1/suspend")).toBe(true);
    expect(needsSignature("GET", "/api/v1/market/price/BTC-USDT")).toBe(false);
    expect(needsSignature("GET", "/api/v1/keysmith")).toBe(false);
  });
});
