import { describe, expect, it } from "vitest";
import { cleanDetails, cleanText, MAX_DETAILS_BYTES } from "../../../src/services/audit/sanitize";

describe("audit details sanitising", () => {
  it("drops credential-looking keys at any depth and keeps the rest", () => {
    const details = {
      key_id: "key_1",
      api_key: "pk_x",
      api_secret: "s",
      password: "p",
      nested: { refresh_token: "rt", access_token: "at", client_secret: "c", body: "{...}", reason: "ok" },
    };
    expect(JSON.parse(cleanDetails(details))).toEqual({ key_id: "key_1", nested: { reason: "ok" } });
  });

  it("masks API keys, JWTs, refresh tokens and bearer values inside strings", () => {
    const apiKey = `pk_${"Z9y8X7w6".repeat(4)}`;
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    const refresh = `rt_${"a".repeat(40)}`;
    const text = cleanText(`key ${apiKey} jwt ${jwt} rt ${refresh} auth Bearer abc.def`);
    expect(text).toBe("key [redacted] jwt [redacted] rt [redacted] auth [redacted]");
  });

  it("bounds strings, depth and total size", () => {
    expect(cleanText("x".repeat(1000))?.length).toBe(256);
    expect(JSON.parse(cleanDetails({ a: { b: { c: { d: { e: 1 } } } } }))).toEqual({
      a: { b: { c: { d: "[depth]" } } },
    });
    const big = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, "v".repeat(250)]));
    const cleaned = cleanDetails(big);
    expect(new TextEncoder().encode(cleaned).length).toBeLessThanOrEqual(MAX_DETAILS_BYTES);
    expect(JSON.parse(cleaned)).toEqual({ truncated: true });
  });

  it("stores canonical JSON (sorted keys) and turns non-JSON values into null", () => {
    expect(cleanDetails({ b: 1, a: Number.NaN, c: undefined })).toBe('{"a":null,"b":1}');
  });
});
