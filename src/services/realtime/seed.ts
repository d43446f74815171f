/**
 * What the Worker tells a room about a connection it forwards: the authenticated caller, the
 * endpoint and until when the credential holds. Travels in a request header from the Worker to
 * the room only (clients never reach a room directly), and carries no secret.
 */
import type { Principal } from "../../types";
import type { Endpoint } from "./protocol";

/** The header a forwarded upgrade carries the seed in. */
export const SEED_HEADER = "X-Stream-Connection";

/** A connection's identity before it subscribes to anything. */
export interface ConnectionSeed {
  endpoint: Endpoint;
  account_id: string;
  key_id: string | null;
  session_id: string | null;
  tier: Principal["tier"];
  /** When the credential expires (epoch ms); null when it does not. */
  expires_at: number | null;
  /** The client's IP at the upgrade (`CF-Connecting-IP`); a block on it later closes the socket. */
  ip: string | null;
}

const TIERS: ReadonlySet<string> = new Set(["jwt", "basic", "premium", "enterprise"]);
const nullableString = (v: unknown): v is string | null => v === null || (typeof v === "string" && v.length > 0);

/** The seed of a principal on an endpoint. */
export function seedFor(
  principal: Principal,
  endpoint: Endpoint,
  expiresAt: number | null,
  ip: string | null = null,
): ConnectionSeed {
  return {
    endpoint,
    account_id: principal.user_id,
    key_id: principal.key_id ?? null,
    session_id: principal.session_id ?? null,
    tier: principal.tier,
    expires_at: expiresAt,
    ip: ip && ip !== "unknown" ? ip : null,
  };
}

/** Reads a seed header back; null when it is missing or malformed. */
export function parseSeed(header: string | null): ConnectionSeed | null {
  if (!header) return null;
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const ok =
    (v.endpoint === "market" || v.endpoint === "alerts") &&
    typeof v.account_id === "string" &&
    v.account_id.length > 0 &&
    nullableString(v.key_id) &&
    nullableString(v.session_id) &&
    typeof v.tier === "string" &&
    TIERS.has(v.tier) &&
    (v.expires_at === null || (typeof v.expires_at === "number" && Number.isFinite(v.expires_at))) &&
    (v.ip === undefined || nullableString(v.ip));
  if (!ok) return null;
  return {
    endpoint: v.endpoint as ConnectionSeed["endpoint"],
    account_id: v.account_id as string,
    key_id: v.key_id as string | null,
    session_id: v.session_id as string | null,
    tier: v.tier as ConnectionSeed["tier"],
    expires_at: v.expires_at as number | null,
    ip: (v.ip as string | null | undefined) ?? null,
  };
}
