import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  errors,
  exportJWK,
  importJWK,
  importPKCS8,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import type { Config } from "../../config";
import { ApiError } from "../../errors";
import { sha256Hex } from "../../lib/crypto";
import type { Role, Scope } from "../../types";
import { hasScopes, parseScopes, ROLE_SCOPES } from "./scopes";

/** The claims Parapet puts in an access token (API.md "Authentication"). */
export interface AccessClaims {
  sub: string;
  role: Role;
  permissions: Scope[];
  /** Refresh-token family (session) id, so a revoked session's access tokens can be refused. */
  sid: string;
  wallet?: string;
  nonce?: string;
}

export interface VerifiedAccessToken extends AccessClaims {
  jti: string;
  iat: number;
  exp: number;
}

interface KeySet {
  alg: Config["JWT_ALG"];
  kid: string;
  signKey: CryptoKey | Uint8Array;
  verifyKey: CryptoKey | Uint8Array;
  /** Public JWK for `/.well-known/jwks.json`; undefined for HS256 (a shared secret is never published). */
  publicJwk?: JWK;
}

const PRIVATE_JWK_FIELDS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;
const ROLES: readonly Role[] = ["developer", "trader", "admin"];

// Keys are imported once per isolate and configuration.
const keyCache = new WeakMap<Config, Promise<KeySet>>();

async function importKeys(config: Config): Promise<KeySet> {
  const alg = config.JWT_ALG;
  if (alg === "HS256") {
    const secret = new TextEncoder().encode(config.JWT_SECRET ?? "");
    // The kid names the secret without revealing it.
    const kid = `hs256-${(await sha256Hex(`parapet-kid:${config.JWT_SECRET}`)).slice(0, 16)}`;
    return { alg, kid, signKey: secret, verifyKey: secret };
  }
  const material = (config.JWT_PRIVATE_KEY ?? "").trim();
  const signKey = material.startsWith("{")
    ? ((await importJWK(JSON.parse(material) as JWK, alg, { extractable: true })) as CryptoKey)
    : await importPKCS8(material.replace(/\\n/g, "\n"), alg, { extractable: true });
  const privateJwk = await exportJWK(signKey);
  const publicJwk: JWK = { ...privateJwk };
  for (const field of PRIVATE_JWK_FIELDS) delete publicJwk[field];
  const kid = await calculateJwkThumbprint(publicJwk);
  Object.assign(publicJwk, { kid, alg, use: "sig" });
  const verifyKey = (await importJWK(publicJwk, alg)) as CryptoKey;
  return { alg, kid, signKey, verifyKey, publicJwk };
}

/** The service's current signing keys, imported once per isolate. */
export function getKeys(config: Config): Promise<KeySet> {
  let keys = keyCache.get(config);
  if (!keys) {
    keys = importKeys(config);
    keyCache.set(config, keys);
    keys.catch(() => keyCache.delete(config));
  }
  return keys;
}

/** Public keys for `GET /.well-known/jwks.json` (empty for HS256). */
export async function publicJwks(config: Config): Promise<{ keys: JWK[] }> {
  const keys = await getKeys(config);
  return { keys: keys.publicJwk ? [keys.publicJwk] : [] };
}

/**
 * Signs an access token with the configured algorithm and key.
 * @example const { token, expiresAt } = await signAccessToken(config, { sub, role, permissions })
 */
export async function signAccessToken(
  config: Config,
  claims: AccessClaims,
  now = Date.now(),
): Promise<{ token: string; jti: string; expiresAt: Date }> {
  const keys = await getKeys(config);
  const iat = Math.floor(now / 1000);
  const exp = iat + config.ACCESS_TOKEN_TTL_SECONDS;
  const jti = crypto.randomUUID();
  const payload: JWTPayload = { role: claims.role, permissions: claims.permissions, sid: claims.sid };
  if (claims.wallet) payload.wallet = claims.wallet;
  if (claims.nonce) payload.nonce = claims.nonce;
  const token = await new SignJWT(payload)
    .setProtectedHeader({ alg: keys.alg, kid: keys.kid, typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(jti)
    .sign(keys.signKey);
  return { token, jti, expiresAt: new Date(exp * 1000) };
}

/**
 * Verifies an access token's signature and claims: only the configured `alg`, only the current
 * `kid`, `typ: JWT`, `iss`, `aud`, `nbf` when present, and `exp`, `iat`, `sub`, `jti`, `sid`
 * required. Throws `token_expired` for an expired token, `invalid_token` otherwise. Whether the
 * session (`sid`) is still alive is checked by the caller (`sessionStatus`).
 */
export async function verifyAccessToken(config: Config, token: string): Promise<VerifiedAccessToken> {
  const keys = await getKeys(config);
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new ApiError("invalid_token", "The access token is malformed.");
  }
  if (header.alg !== keys.alg) throw new ApiError("invalid_token", "The token's algorithm is not accepted.");
  if (header.kid !== keys.kid) throw new ApiError("invalid_token", "The token's key id is unknown.");

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys.verifyKey, {
      algorithms: [keys.alg],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      typ: "JWT",
      requiredClaims: ["exp", "iat", "sub", "jti", "sid"],
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new ApiError("token_expired");
    throw new ApiError("invalid_token");
  }

  const permissions = parseScopes(payload.permissions);
  const role = payload.role as Role;
  if (
    !permissions ||
    !ROLES.includes(role) ||
    // A token never grants more than its role; anything else was not minted by this service.
    !hasScopes(ROLE_SCOPES[role], permissions) ||
    typeof payload.jti !== "string" ||
    typeof payload.sub !== "string" ||
    typeof payload.sid !== "string"
  ) {
    throw new ApiError("invalid_token", "The token's claims are not valid.");
  }
  return {
    sub: payload.sub,
    role,
    permissions,
    jti: payload.jti,
    iat: payload.iat as number,
    exp: payload.exp as number,
    sid: payload.sid,
    ...(typeof payload.wallet === "string" ? { wallet: payload.wallet } : {}),
    ...(typeof payload.nonce === "string" ? { nonce: payload.nonce } : {}),
  };
}
