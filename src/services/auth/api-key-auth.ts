import type { Context } from "hono";
import { ApiError } from "../../errors";
import { ipInRange, parseIp } from "../../lib/ip";
import { openSecret } from "../../lib/secret-box";
import type { AppEnv, Principal } from "../../types";
import { type AuthKey, cachedKeyById, lookupKey } from "../keys/key-cache";
import { hashApiKey, importSigningKey, looksLikeApiKey } from "../keys/material";
import { ROLE_SCOPES } from "./scopes";

// The record behind each API-key principal, for the signature check later in the same request.
const records = new WeakMap<Principal, AuthKey>();

/**
 * Resolves an API key (`pk_…`) into a principal, from the in-isolate key cache (D1 at most
 * once per key per 4 s per isolate). Unknown, revoked or expired → 401 `invalid_api_key`;
 * suspended → 403 `key_suspended`; caller outside the key's IP allowlist or countries → 403
 * `ip_not_allowed` / `country_not_allowed`. The principal's scopes are the key's within the
 * owner's current role, so a downgraded owner's keys shrink with it.
 */
export async function resolveApiKey(c: Context<AppEnv>, key: string): Promise<Principal> {
  if (!looksLikeApiKey(key)) throw new ApiError("invalid_api_key");
  const now = Date.now();
  const record = await lookupKey(c.env.DB, await hashApiKey(key), now);
  if (!record) throw new ApiError("invalid_api_key");
  // From here the key is known: its refusals count in its usage.
  c.set("apiKeyId", record.id);
  if (record.status === "revoked") throw new ApiError("invalid_api_key", "This API key has been revoked.");
  if (record.expires_at !== null && record.expires_at <= now) {
    throw new ApiError("invalid_api_key", "This API key has expired.");
  }
  if (record.status === "suspended") throw new ApiError("key_suspended");
  if (record.ip_ranges.length > 0) {
    const ip = parseIp(c.get("clientIp") ?? "");
    if (!ip || !record.ip_ranges.some((range) => ipInRange(ip, range))) throw new ApiError("ip_not_allowed");
  }
  if (record.allowed_countries.length > 0) {
    const country = (c.req.raw.cf as { country?: unknown } | undefined)?.country;
    if (typeof country !== "string" || !record.allowed_countries.includes(country.toUpperCase())) {
      throw new ApiError("country_not_allowed");
    }
  }
  const allowed = ROLE_SCOPES[record.owner_role];
  const principal: Principal = {
    kind: "api_key",
    user_id: record.user_id,
    role: record.owner_role,
    scopes: record.scopes.filter((scope) => allowed.includes(scope)),
    key_id: record.id,
    tier: record.tier,
    ...(record.tier === "enterprise" && record.rate_limit ? { rate_limit: record.rate_limit } : {}),
  };
  records.set(principal, record);
  return principal;
}

/** The signing secret of an API-key principal as an HMAC key (decrypted and imported once per isolate). */
export function signingKeyOf(encryptionKey: string, principal: Principal): Promise<CryptoKey> {
  const keyId = principal.key_id;
  const record = records.get(principal) ?? (keyId ? cachedKeyById(keyId) : null);
  if (!record) return Promise.reject(new Error("no key record for this principal"));
  if (!record.signingKey) {
    const signingKey = openSecret(encryptionKey, record.secret_sealed, record.id).then(importSigningKey);
    record.signingKey = signingKey;
    signingKey.catch(() => {
      if (record.signingKey === signingKey) record.signingKey = undefined;
    });
  }
  return record.signingKey;
}
