import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, call, expectError, json } from "../helpers";
import { account, createKey, send } from "../key-helpers";

/** `GET /api/v1/me` with a key, from an address and (optionally) a country, as the edge reports them. */
function meFrom(apiKey: string, ip?: string, country?: string): Promise<Response> {
  const headers: Record<string, string> = { "X-API-Key": apiKey, ...(ip ? { "CF-Connecting-IP": ip } : {}) };
  if (country === undefined) return call("/api/v1/me", { headers });
  return exports.default.fetch(
    new Request(`${BASE}/api/v1/me`, { headers, cf: { country } as unknown as IncomingRequestCfProperties }),
  );
}

describe("API keys: IP allowlist", () => {
  it("refuses 127.0.0.1 with ip_not_allowed and accepts 10.1.2.7 for a key limited to 10.1.2.0/24", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { ip_allowlist: ["10.1.2.0/24"] });
    await expectError(await meFrom(key.api_key, "127.0.0.1"), 403, "ip_not_allowed");
    expect((await meFrom(key.api_key, "10.1.2.7")).status).toBe(200);
    await expectError(await meFrom(key.api_key, "10.1.3.7"), 403, "ip_not_allowed");
    // No CF-Connecting-IP at all cannot prove the caller is inside the range.
    await expectError(await meFrom(key.api_key), 403, "ip_not_allowed");
  });

  it("matches IPv6 CIDR ranges, IPv6 addresses in any spelling and IPv4-mapped IPv6 callers", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { ip_allowlist: ["2001:db8:abcd::/48", "10.1.2.0/24"] });
    expect((await meFrom(key.api_key, "2001:db8:abcd:12::1")).status).toBe(200);
    expect((await meFrom(key.api_key, "2001:0DB8:ABCD:0000:0000:0000:0000:0001")).status).toBe(200);
    expect((await meFrom(key.api_key, "::ffff:10.1.2.7")).status).toBe(200);
    await expectError(await meFrom(key.api_key, "2001:db8:abce::1"), 403, "ip_not_allowed");
    await expectError(await meFrom(key.api_key, "::1"), 403, "ip_not_allowed");
  });

  it("stores entries normalised: host bits cleared, IPv6 compressed, /32 as the bare address, duplicates dropped", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, {
      ip_allowlist: ["10.1.2.7/24", "2001:DB8:0:0::1", "203.0.113.9/32", "10.1.2.0/24", " 192.0.2.1 "],
    });
    expect(key.ip_allowlist).toEqual(["10.1.2.0/24", "2001:db8::1", "203.0.113.9", "192.0.2.1"]);
  });

  it("accepts 10 entries and refuses an 11th with 400 validation_error", async () => {
    const owner = await account("trader");
    const ten = Array.from({ length: 10 }, (_, i) => `192.0.2.${i}`);
    expect((await createKey(owner.headers, { ip_allowlist: ten })).ip_allowlist).toHaveLength(10);
    const res = await send("POST", "/api/v1/keys", owner.headers, {
      name: "x",
      scopes: ["read:market"],
      ip_allowlist: [...ten, "192.0.2.10"],
    });
    const error = await expectError(res, 400, "validation_error");
    expect(JSON.stringify(error.details.issues)).toContain("body.ip_allowlist");
  });

  it.each([
    "10.1.2.0/33",
    "10.1.2",
    "300.1.2.3",
    "10.1.2.0/",
    "10.1.2.0/-1",
    "0x0a.1.2.3",
    "2001:db8::/129",
    "fe80::1%eth0",
    "example.com",
    "10.1.2.0/24/8",
  ])("refuses the malformed entry %s with 400 validation_error", async (entry) => {
    const owner = await account("trader");
    const res = await send("POST", "/api/v1/keys", owner.headers, {
      name: "x",
      scopes: ["read:market"],
      ip_allowlist: [entry],
    });
    const error = await expectError(res, 400, "validation_error");
    expect(error.details.issues).toEqual([expect.objectContaining({ path: "body.ip_allowlist.0" })]);
  });
});

describe("API keys: allowed countries", () => {
  it("accepts the edge's country when listed and refuses others with country_not_allowed", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { allowed_countries: ["de", "CH"] });
    expect(key.allowed_countries).toEqual(["DE", "CH"]);
    expect((await meFrom(key.api_key, "203.0.113.9", "DE")).status).toBe(200);
    await expectError(await meFrom(key.api_key, "203.0.113.9", "US"), 403, "country_not_allowed");
    // A request without a known country cannot prove it comes from an allowed one.
    await expectError(await meFrom(key.api_key, "203.0.113.9"), 403, "country_not_allowed");
  });

  it("checks the IP allowlist and the country list together", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { ip_allowlist: ["10.1.2.0/24"], allowed_countries: ["DE"] });
    expect((await meFrom(key.api_key, "10.1.2.7", "DE")).status).toBe(200);
    await expectError(await meFrom(key.api_key, "10.9.9.9", "DE"), 403, "ip_not_allowed");
    await expectError(await meFrom(key.api_key, "10.1.2.7", "FR"), 403, "country_not_allowed");
  });

  it.each(["XX", "DEU", "D", "1A"])("refuses the country code %s with 400 validation_error", async (code) => {
    const owner = await account("trader");
    const res = await send("POST", "/api/v1/keys", owner.headers, {
      name: "x",
      scopes: ["read:market"],
      allowed_countries: [code],
    });
    await expectError(res, 400, "validation_error");
  });

  it("lists a key's rules as stored", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers, { ip_allowlist: ["10.1.2.0/24"], allowed_countries: ["DE"] });
    const read = await json(await send("GET", `/api/v1/keys/${key.key_id}`, owner.headers));
    expect(read).toMatchObject({ ip_allowlist: ["10.1.2.0/24"], allowed_countries: ["DE"] });
  });
});
