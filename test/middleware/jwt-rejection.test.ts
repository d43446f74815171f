import { env } from "cloudflare:workers";
import { base64url, type JWTPayload, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { getConfig } from "../../src/config";
import { getKeys } from "../../src/services/auth/jwt";
import { claimsOf, loginUser, me, registerUser } from "../auth-helpers";
import { BASE, expectError, json } from "../helpers";

// The rejection matrix of issue 3: each way a token can be wrong, one test each. Every forged
// token starts from the claims of a real, live session and changes one thing, so a refusal can
// only come from that one thing (the baseline test proves the unchanged forgery is accepted).

const SECRET = new TextEncoder().encode(env.JWT_SECRET);
let base: JWTPayload;
let kid: string;

beforeAll(async () => {
  const user = await registerUser();
  const tokens = await loginUser(user.email);
  base = claimsOf(tokens.access_token);
  kid = (await getKeys(getConfig(env))).kid;
});

function forge(
  options: {
    claims?: Record<string, unknown>;
    drop?: string[];
    header?: Record<string, unknown>;
    key?: Uint8Array;
  } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { ...base, iat: now, exp: now + 600, ...options.claims };
  for (const name of options.drop ?? []) delete payload[name];
  return new SignJWT(payload as JWTPayload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid, ...options.header } as { alg: string })
    .sign(options.key ?? SECRET);
}

describe("access-token rejection matrix", () => {
  it("accepts the unchanged forgery (the baseline every case changes one thing of)", async () => {
    const res = await me(await forge());
    expect(res.status).toBe(200);
    expect((await json(res)).user_id).toBe(base.sub);
  });

  it("refuses alg: none", async () => {
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT", kid }));
    const payload = (await forge()).split(".")[1];
    await expectError(await me(`${header}.${payload}.`), 401, "invalid_token");
  });

  it("refuses a token signed with the wrong secret", async () => {
    const key = new TextEncoder().encode("another-secret-that-is-long-enough-0123456789");
    await expectError(await me(await forge({ key })), 401, "invalid_token");
  });

  it("refuses a wrong iss", async () => {
    await expectError(await me(await forge({ claims: { iss: "evil-issuer" } })), 401, "invalid_token");
  });

  it("refuses a wrong aud", async () => {
    await expectError(await me(await forge({ claims: { aud: "another-api" } })), 401, "invalid_token");
  });

  it("refuses a token without exp", async () => {
    await expectError(await me(await forge({ drop: ["exp"] })), 401, "invalid_token");
  });

  it("answers an expired token with token_expired", async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const error = await expectError(
      await me(await forge({ claims: { iat: past - 1800, exp: past } })),
      401,
      "token_expired",
    );
    expect(error.message).toMatch(/expired/);
  });

  it("refuses a token whose nbf is in the future", async () => {
    const later = Math.floor(Date.now() / 1000) + 300;
    await expectError(await me(await forge({ claims: { nbf: later } })), 401, "invalid_token");
  });

  it("refuses a tampered payload", async () => {
    const [header, , signature] = (await forge()).split(".");
    const payload = base64url.encode(JSON.stringify({ ...base, role: "admin", permissions: ["admin"] }));
    await expectError(await me(`${header}.${payload}.${signature}`), 401, "invalid_token");
  });

  it("refuses garbage", async () => {
    for (const garbage of ["garbage", "a.b.c", "eyJ.eyJ.", "....", "%00"]) {
      await expectError(await me(garbage), 401, "invalid_token");
    }
  });

  it("refuses an injection string in kid", async () => {
    for (const evil of ["' OR '1'='1", "../../../../etc/passwd", `${kid}' --`, "<script>alert(1)</script>"]) {
      const res = await me(await forge({ header: { kid: evil } }));
      const error = await expectError(res, 401, "invalid_token");
      expect(error.message).not.toContain(evil);
    }
  });

  it("refuses an HS256 token signed with the RS256 public key when RS256 is configured", async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const pem = toPem("PRIVATE KEY", (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
    const rsEnv = { ...env, JWT_ALG: "RS256", JWT_PRIVATE_KEY: pem };
    const app = createApp();
    const rsMe = (token: string) =>
      app.request(`${BASE}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } }, rsEnv);

    const { keys } = await json(await app.request(`${BASE}/.well-known/jwks.json`, {}, rsEnv));
    const jwk = keys[0];
    expect(jwk.kty).toBe("RSA");
    // The public key as an attacker would get it: the JWK, and the SPKI PEM.
    const spki = toPem("PUBLIC KEY", (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
    const publicKeyForms = [new TextEncoder().encode(spki), new TextEncoder().encode(JSON.stringify(jwk))];
    for (const key of publicKeyForms) {
      const token = await forge({ header: { alg: "HS256", kid: jwk.kid }, key });
      await expectError(await rsMe(token), 401, "invalid_token");
    }
    // A genuine RS256 token of the same session passes, so the refusal above is the algorithm's.
    const signed = await new SignJWT({
      ...base,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: jwk.kid })
      .sign(pair.privateKey);
    expect((await rsMe(signed)).status).toBe(200);
  });

  it("refuses a token of a session that no longer exists, and a token without sid", async () => {
    await expectError(await me(await forge({ claims: { sid: "ses_000000000000000000000000" } })), 401, "invalid_token");
    await expectError(await me(await forge({ drop: ["sid"] })), 401, "invalid_token");
  });

  it("refuses permissions beyond the token's role, even when correctly signed", async () => {
    await expectError(
      await me(await forge({ claims: { permissions: ["read:market", "admin"] } })),
      401,
      "invalid_token",
    );
  });

  it("refuses a token of another type (typ) than JWT", async () => {
    await expectError(await me(await forge({ header: { typ: "at+jwt" } })), 401, "invalid_token");
  });
});

function toPem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)?.join("\n")}\n-----END ${label}-----\n`;
}
