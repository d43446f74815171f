import { describe, expect, it } from "vitest";
import { checkTimestamp, signRequest, stringToSign } from "../../../src/services/keys/signing";
import { sign } from "../../key-helpers";

describe("request signing", () => {
  it("signs API.md's example string exactly as a client does", async () => {
    const secret = "sk_example";
    const body = '{"symbol":"BTC-USDT","size":"0.5","type":"long"}';
    const bytes = stringToSign("1732280000000", "post", "/api/v1/portfolio/positions", new TextEncoder().encode(body));
    expect(new TextDecoder().decode(bytes)).toBe(
      '1732280000000POST/api/v1/portfolio/positions{"symbol":"BTC-USDT","size":"0.5","type":"long"}',
    );
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const ours = await signRequest(key, {
      timestamp: "1732280000000",
      method: "POST",
      pathWithQuery: "/api/v1/portfolio/positions",
      body: new TextEncoder().encode(body),
    });
    expect(ours).toMatch(/^[0-9a-f]{64}$/);
    expect(ours).toBe(await sign(secret, "1732280000000", "POST", "/api/v1/portfolio/positions", body));
  });

  it("keeps raw body bytes that are not valid UTF-8", () => {
    const body = new Uint8Array([0xff, 0x00, 0xfe]);
    const bytes = stringToSign("1", "POST", "/p", body);
    expect([...bytes.slice(-3)]).toEqual([0xff, 0x00, 0xfe]);
  });

  it("places timestamps against the window", () => {
    const now = 1_700_000_000_000;
    expect(checkTimestamp(String(now - 30_000), now, 30)).toEqual({ ok: true, ms: now - 30_000 });
    expect(checkTimestamp(String(now - 30_001), now, 30)).toEqual({ ok: false, reason: "expired" });
    expect(checkTimestamp(String(now + 30_001), now, 30)).toEqual({ ok: false, reason: "expired" });
    expect(checkTimestamp("1700000000", now, 30)).toEqual({ ok: false, reason: "expired" });
    for (const bad of ["", "-1", "1.5", "1e12", "abc", "9".repeat(17)]) {
      expect(checkTimestamp(bad, now, 30)).toEqual({ ok: false, reason: "malformed" });
    }
  });
});
