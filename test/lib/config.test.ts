import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { problems, VALID } from "../config-helpers";

describe("parseConfig", () => {
  it("applies the defaults of API.md", () => {
    const config = parseConfig(VALID);
    expect(config).toMatchObject({
      JWT_ALG: "HS256",
      JWT_ISSUER: "parapet",
      JWT_AUDIENCE: "parapet-api",
      ACCESS_TOKEN_TTL_SECONDS: 1800,
      REFRESH_TOKEN_TTL_SECONDS: 604800,
      SIGNATURE_WINDOW_SECONDS: 30,
      ENFORCE_HTTPS: true,
      WHALE_USD_THRESHOLD: 100000,
      STARTING_BALANCE: "100000.00",
      AUDIT_RETENTION_DAYS: 730,
      ADMIN_EMAILS: [],
    });
  });

  it("names the variable when a value is bad", () => {
    expect(problems({ ...VALID, ACCESS_TOKEN_TTL_SECONDS: "soon" })[0]).toMatch(/^ACCESS_TOKEN_TTL_SECONDS /);
    expect(problems({ ...VALID, ENFORCE_HTTPS: "yes" })[0]).toMatch(/^ENFORCE_HTTPS /);
    expect(problems({ ...VALID, JWT_ALG: "none" })[0]).toMatch(/^JWT_ALG /);
    expect(problems({ ...VALID, MARKET_UPSTREAM_URL: "ftp://x" })[0]).toMatch(/^MARKET_UPSTREAM_URL /);
    expect(problems({ ...VALID, STARTING_BALANCE: "1e5" })[0]).toMatch(/^STARTING_BALANCE /);
  });

  it("requires a 32-byte JWT secret for HS256 and a private key for RS256", () => {
    expect(problems({ ...VALID, JWT_SECRET: undefined })).toEqual(["JWT_SECRET is required when JWT_ALG=HS256"]);
    expect(problems({ ...VALID, JWT_SECRET: "short" })).toEqual(["JWT_SECRET must be at least 32 bytes"]);
    expect(problems({ ...VALID, JWT_ALG: "RS256" })).toEqual(["JWT_PRIVATE_KEY is required when JWT_ALG=RS256"]);
  });

  it("requires a 32-byte base64 ENCRYPTION_KEY and never echoes secret values", () => {
    const out = problems({ ...VALID, ENCRYPTION_KEY: btoa("too short but secret") });
    expect(out).toEqual(["ENCRYPTION_KEY must be the base64 encoding of exactly 32 bytes"]);
    expect(problems({ JWT_SECRET: "y".repeat(32) })[0]).toMatch(/^ENCRYPTION_KEY /);
    expect(problems({ ...VALID, JWT_SECRET: "tiny-secret" }).join()).not.toContain("tiny-secret");
  });

  it("splits comma-separated lists", () => {
    expect(parseConfig({ ...VALID, ADMIN_EMAILS: " a@x.io, b@y.io ,," }).ADMIN_EMAILS).toEqual(["a@x.io", "b@y.io"]);
  });
});
