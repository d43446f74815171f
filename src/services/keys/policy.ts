/**
 * Who may mint or manage which API key (pure, no I/O). The rule is "no escalation": a key never
 * holds more than the credential that made it, and an API key may only see and manage keys that
 * are no more powerful than itself — otherwise a leaked read-only key could rotate the trading
 * key and walk away with its new secret.
 */
import { type IpRange, parseIpRange, rangeWithin } from "../../lib/ip";
import type { Role, Scope } from "../../types";
import { ROLE_SCOPES } from "../auth/scopes";

export type KeyTier = "basic" | "premium" | "enterprise";

const TIER_RANK: Record<KeyTier, number> = { basic: 0, premium: 1, enterprise: 2 };

/** The restrictions of a key, as compared by the no-escalation rule. */
export interface KeyPowers {
  scopes: readonly Scope[];
  tier: KeyTier;
  ip_allowlist: readonly string[];
  allowed_countries: readonly string[];
  /** Epoch ms; null: never expires. */
  expires_at: number | null;
}

/** The caller of a key-management operation. */
export interface KeyCaller {
  user_id: string;
  role: Role;
  /** The scopes of the credential used (a JWT's, or an API key's own). */
  scopes: readonly Scope[];
  /** Set when the caller is an API key: its id and restrictions. */
  key: (KeyPowers & { id: string }) | null;
}

/** Scopes the caller may put on a key: its credential's, within its role's current scopes. */
export function grantableScopes(caller: KeyCaller): Scope[] {
  const role = ROLE_SCOPES[caller.role];
  return caller.scopes.filter((scope) => role.includes(scope));
}

/** Only an admin, through a credential that holds the `admin` scope, grants premium/enterprise. */
export function mayGrantTier(caller: KeyCaller, tier: KeyTier): boolean {
  if (tier === "basic") return true;
  return caller.role === "admin" && grantableScopes(caller).includes("admin");
}

function rangesWithin(inner: readonly string[], outer: readonly string[]): boolean {
  if (outer.length === 0) return true;
  if (inner.length === 0) return false;
  const outerRanges = outer.map(parseIpRange).filter((r): r is IpRange => r !== null);
  return inner.every((entry) => {
    const range = parseIpRange(entry);
    return range !== null && outerRanges.some((o) => rangeWithin(range, o));
  });
}

/**
 * The ways `target` would exceed `limit` (empty when it stays within): scopes, tier, IP
 * allowlist (every range inside one of the limit's), countries, expiry.
 */
export function escalations(target: KeyPowers, limit: KeyPowers): string[] {
  const out: string[] = [];
  if (!target.scopes.every((s) => limit.scopes.includes(s))) out.push("scopes");
  if (TIER_RANK[target.tier] > TIER_RANK[limit.tier]) out.push("tier");
  if (!rangesWithin(target.ip_allowlist, limit.ip_allowlist)) out.push("ip_allowlist");
  if (
    limit.allowed_countries.length > 0 &&
    (target.allowed_countries.length === 0 ||
      !target.allowed_countries.every((c) => limit.allowed_countries.includes(c)))
  ) {
    out.push("allowed_countries");
  }
  if (limit.expires_at !== null && (target.expires_at === null || target.expires_at > limit.expires_at)) {
    out.push("expires_at");
  }
  return out;
}

/** True when an API-key caller may see and manage `target` (JWT callers manage all their keys). */
export function mayManage(caller: KeyCaller, target: KeyPowers & { id: string }): boolean {
  if (!caller.key || caller.key.id === target.id) return true;
  return escalations(target, caller.key).length === 0;
}
