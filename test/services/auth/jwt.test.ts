import { env } from "cloudflare:workers";
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { getConfig } from "../../../src/config";
import { getKeys } from "../../../src/services/auth/jwt";
import { PASSWORD, uniqueEmail } from "../../auth-helpers";
import { BASE, call, expectError, json } from "../../helpers";

function toPem(der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN PRIVATE KEY-----\n${b64.match(/.{1,64}/g)?.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

async function rsaPem(): Promise<string> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  return toPem((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
}

async function ed25519Pair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
}

/** The real app under another configuration, sharing the test D1. */
function appWith(overrides: Record<string, string>) {
  const app = createApp();
  const appEnv = { ...env, ...overrides };
  return (path: string, init: RequestInit = {}) => app.request(`${BASE}${path}`, init, appEnv);
}

async function signIn(request: ReturnType<typeof appWith>) {
  const email = uniqueEmail("alg");
  const body = (b: unknown) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(b),
  });
  expect((await request("/api/v1/auth/register", body({ email, password: PASSWORD }))).status).toBe(201);
  const login = await request("/api/v1/auth/login", body({ email, password: PASSWORD }));
  expect(login.status).toBe(200);
  return (await json(login)) as { access_token: string; refresh_token: string };
}

describe.each([
  { alg: "RS256", kty: "RSA", key: rsaPem },
  {
    alg: "EdDSA",
    kty: "OKP",
    key: async () => toPem((await crypto.subtle.exportKey("pkcs8", (await ed25519Pair()).privateKey)) as ArrayBuffer),
  },
  {
    alg: "EdDSA",
    kty: "OKP",
    key: async () => JSON.stringify(await exportJWK((await ed25519Pair()).privateKey)),
    label: "(private JWK)",
  },
])("JWT_ALG=$alg $label", ({ alg, kty, key }) => {
  it("signs with the configured key, publishes only its public half in the JWKS, and verifies its own tokens", async () => {
    const request = appWith({ JWT_ALG: alg, JWT_PRIVATE_KEY: await key() });
    const jwksRes = await request("/.well-known/jwks.json");
    expect(jwksRes.status).toBe(200);
    expect(jwksRes.headers.get("cache-control")).toContain("max-age");
    const jwks = await json(jwksRes);
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys;
    expect(jwk).toMatchObject({ kty, alg, use: "sig", kid: expect.any(String) });
    for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(jwk[secret]).toBeUndefined();

    const tokens = await signIn(request);
    expect(decodeProtectedHeader(tokens.access_token)).toEqual({ alg, kid: jwk.kid, typ: "JWT" });
    // A third party can verify the token with nothing but the published JWKS.
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), {
      issuer: "parapet",
      audience: "parapet-api",
    });
    expect(payload.role).toBe("developer");

    const meRes = await request("/api/v1/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(meRes.status).toBe(200);
  });

  it("is refused by a service configured with HS256, and HS256 tokens are refused by it", async () => {
    const request = appWith({ JWT_ALG: alg, JWT_PRIVATE_KEY: await key() });
    const tokens = await signIn(request);
    const onHs256 = await call("/api/v1/me", { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    await expectError(onHs256, 401, "invalid_token");

    const hsTokens = await signIn(appWith({}));
    const onAsym = await request("/api/v1/me", { headers: { Authorization: `Bearer ${hsTokens.access_token}` } });
    await expectError(onAsym, 401, "invalid_token");
  });

  it("refuses tokens of a previous key after the key changes (kid pinning)", async () => {
    const before = await signIn(appWith({ JWT_ALG: alg, JWT_PRIVATE_KEY: await key() }));
    const after = appWith({ JWT_ALG: alg, JWT_PRIVATE_KEY: await key() });
    const res = await after("/api/v1/me", { headers: { Authorization: `Bearer ${before.access_token}` } });
    await expectError(res, 401, "invalid_token");
  });
});

describe("HS256 (default)", () => {
  it("publishes an empty JWKS: a shared secret is never served", async () => {
    const res = await call("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ keys: [] });
  });

  it("accepts a PEM whose newlines arrive escaped, as secrets pasted on one line do", async () => {
    const pem = (await rsaPem()).replace(/\n/g, "\\n");
    const tokens = await signIn(appWith({ JWT_ALG: "RS256", JWT_PRIVATE_KEY: pem }));
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe("RS256");
  });
});

describe("getKeys", () => {
  it("imports keys once per isolate and configuration", async () => {
    const config = getConfig(env);
    expect(getKeys(config)).toBe(getKeys(config));
    expect(await getKeys(config)).toBe(await getKeys(config));
  });
});
