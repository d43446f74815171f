/** Admin controls on any account's key: suspend, reinstate, set tier and own rate limit. */
import { type ApiKeyRow, findKeyById, setKeyLimits, setKeySuspended } from "../../db/api-keys";
import { ApiError } from "../../errors";
import type { AuthDeps } from "../auth/deps";
import { forgetKey } from "./key-cache";
import type { KeyTier } from "./policy";
import { type KeyObject, toKeyObject } from "./view";

async function liveKey(deps: AuthDeps, keyId: string): Promise<ApiKeyRow> {
  const row = await findKeyById(deps.db, keyId);
  if (!row) throw new ApiError("not_found", "No such API key.");
  if (row.status === "revoked") throw new ApiError("conflict", "This key is revoked.");
  return row;
}

/**
 * Suspends (abuse or breach response) or reinstates a key: refused with 403 `key_suspended`
 * at once here and within seconds everywhere. Repeating either is harmless (no second event).
 */
export async function setSuspended(
  deps: AuthDeps,
  keyId: string,
  suspended: boolean,
  reason: string | null,
): Promise<KeyObject> {
  const before = await liveKey(deps, keyId);
  const after = await setKeySuspended(deps.db, keyId, suspended, reason, deps.now);
  forgetKey(keyId);
  if (!after) throw new ApiError("conflict", "This key is revoked.");
  if ((before.status === "suspended") !== suspended) {
    const event = suspended ? "key.suspended" : "key.unsuspended";
    deps.audit({ event, account_id: after.user_id, key_id: after.id, details: { name: after.name } });
    if (suspended) {
      deps.security({
        type: "key_suspended",
        account_id: after.user_id,
        details: { key_id: after.id, name: after.name, ...(reason ? { reason } : {}) },
      });
    }
  }
  return toKeyObject(after, deps.now);
}

/**
 * Sets a key's tier and, for enterprise keys, its own per-minute rate and burst (used by the
 * rate limiter instead of the tier's). Leaving enterprise clears the own limit.
 */
export async function setLimits(
  deps: AuthDeps,
  keyId: string,
  change: { tier?: KeyTier; rate_per_minute?: number; burst?: number },
): Promise<KeyObject> {
  const before = await liveKey(deps, keyId);
  const tier = change.tier ?? before.tier;
  if (change.rate_per_minute !== undefined && tier !== "enterprise") {
    throw new ApiError("conflict", "Only enterprise keys have their own rate limit; set tier to enterprise.", {
      details: { tier },
    });
  }
  const own =
    tier !== "enterprise"
      ? { rate_per_minute: null, burst: null }
      : change.rate_per_minute !== undefined && change.burst !== undefined
        ? { rate_per_minute: change.rate_per_minute, burst: change.burst }
        : { rate_per_minute: before.rate_per_minute, burst: before.burst };
  const after = await setKeyLimits(deps.db, keyId, { tier, ...own }, deps.now);
  forgetKey(keyId);
  if (!after) throw new ApiError("conflict", "This key is revoked.");
  return toKeyObject(after, deps.now);
}
