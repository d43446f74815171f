import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import { timingSafeEqual } from "../lib/crypto";
import { resolveApiKey } from "../services/auth/api-key-auth";
import { verifyAccessToken } from "../services/auth/jwt";
import { hasScopes } from "../services/auth/scopes";
import { sessionStatus } from "../services/auth/session-status";
import type { AppEnv, Principal, Scope } from "../types";
import { authenticateSolanaWebhook } from "./webhook-auth";

/** OpenAPI `security` for routes that need a JWT or an API key. */
export const SECURED: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKey: [] }];
/** OpenAPI `security` for public routes that also accept credentials. */
export const OPTIONALLY_SECURED: Array<Record<string, string[]>> = [{}, { bearerAuth: [] }, { apiKey: [] }];

const BEARER = /^Bearer\s+(\S+)$/i;

/** Which credential a request carries, without verifying it. */
export function readCredential(c: Context<AppEnv>): { kind: "jwt" | "api_key"; value: string } | null {
  const apiKey = c.req.header("x-api-key");
  if (apiKey !== undefined) return { kind: "api_key", value: apiKey.trim() };
  const authorization = c.req.header("authorization");
  if (authorization === undefined) return null;
  const match = BEARER.exec(authorization.trim());
  if (!match?.[1]) throw new ApiError("invalid_token", "Authorization must be 'Bearer <token>'.");
  const value = match[1];
  return { kind: value.startsWith("pk_") ? "api_key" : "jwt", value };
}

/** Verifies a JWT or API key and returns the caller it names. */
export async function resolvePrincipal(
  c: Context<AppEnv>,
  credential: { kind: "jwt" | "api_key"; value: string },
): Promise<Principal> {
  if (credential.kind === "api_key") return resolveApiKey(c, credential.value);
  const claims = await verifyAccessToken(c.get("config"), credential.value);
  // Logout and refresh-token reuse revoke the family; its access tokens die with it (≤ 5 s).
  if ((await sessionStatus(c.env.DB, claims.sid)) !== "active") {
    throw new ApiError("invalid_token", "The session of this access token has been revoked.");
  }
  return {
    kind: "user",
    user_id: claims.sub,
    role: claims.role,
    scopes: claims.permissions,
    tier: "jwt",
    session_id: claims.sid,
    ...(claims.wallet ? { wallet: claims.wallet } : {}),
  };
}

/**
 * A request may carry `X-API-Key` and `Authorization` together (seed 001's example sends a JWT
 * and a key). The key is the credential that counts — its scopes, tier, limits and signing
 * duty — so the second one can never widen access; but it must not contradict the first:
 * a different API key is 401 `invalid_api_key`, and a JWT must itself be valid and name the
 * key's owner (else its own 401, or `invalid_token` for another account).
 */
async function checkCompanion(
  c: Context<AppEnv>,
  credential: { kind: "jwt" | "api_key"; value: string },
  principal: Principal,
): Promise<void> {
  const authorization = c.req.header("authorization");
  if (c.req.header("x-api-key") === undefined || authorization === undefined) return;
  const match = BEARER.exec(authorization.trim());
  if (!match?.[1]) throw new ApiError("invalid_token", "Authorization must be 'Bearer <token>'.");
  const other = match[1];
  if (other.startsWith("pk_")) {
    if (!timingSafeEqual(other, credential.value)) {
      throw new ApiError("invalid_api_key", "X-API-Key and Authorization carry different API keys.");
    }
    return;
  }
  const user = await resolvePrincipal(c, { kind: "jwt", value: other });
  if (user.user_id !== principal.user_id) {
    throw new ApiError("invalid_token", "The access token and the API key belong to different accounts.");
  }
}

// Sign-in endpoints take no credentials: a stale or expired access token that a client attaches
// to every request must never stop it from logging in or refreshing.
const CREDENTIAL_FREE_PREFIX = "/api/v1/auth/";

/**
 * Resolves the caller from `Authorization: Bearer <jwt|pk_…>` or `X-API-Key` into
 * `c.get("principal")`. No credentials → anonymous (routes decide with `requireScope`);
 * bad credentials → 401 before any handler runs. `/api/v1/auth/*` (sign-in) ignores credentials.
 * @example app.use("/api/v1/*", authenticate())
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticateMiddleware(c, next) {
    if (c.req.path.startsWith(CREDENTIAL_FREE_PREFIX)) return next();
    // The Solana webhook sends its shared secret as a raw `Authorization` value.
    if (authenticateSolanaWebhook(c)) return next();
    const credential = readCredential(c);
    if (credential) {
      const principal = await resolvePrincipal(c, credential);
      await checkCompanion(c, credential, principal);
      c.set("principal", principal);
    }
    await next();
  };
}

/**
 * Requires an authenticated caller holding every scope given: 401 `unauthorized` without
 * credentials, 403 `forbidden` when a scope is missing.
 * @example createRoute({ ..., middleware: [requireScope("read:portfolio")] })
 */
export function requireScope(...scopes: Scope[]): MiddlewareHandler<AppEnv> {
  return async function requireScopeMiddleware(c, next) {
    const principal = c.get("principal");
    if (!principal) throw new ApiError("unauthorized");
    if (!hasScopes(principal.scopes, scopes)) {
      throw new ApiError("forbidden", `This needs the ${scopes.join(", ")} scope.`, {
        details: { required_scopes: scopes },
      });
    }
    await next();
  };
}

/**
 * For public routes: anonymous callers pass; an authenticated caller must hold the scopes.
 * @example createRoute({ ..., middleware: [allowAnonymousOr("read:market")] })
 */
export function allowAnonymousOr(...scopes: Scope[]): MiddlewareHandler<AppEnv> {
  const guard = requireScope(...scopes);
  return async function allowAnonymousOrMiddleware(c, next) {
    if (!c.get("principal")) return next();
    return guard(c, next);
  };
}
