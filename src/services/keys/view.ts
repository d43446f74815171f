/** API-key rows as the API shows them (the key object of API.md) and as the policy compares them. */
import type { ApiKeyRow } from "../../db/api-keys";
import type { Scope } from "../../types";
import type { KeyPowers } from "./policy";

/** `rotate_after` = created_at + 90 days (seed 003: rotate API keys every 90 days). */
export const ROTATE_AFTER_MS = 90 * 86_400_000;

/** The key object of API.md (never the key, its hash or its secret). */
export interface KeyObject {
  key_id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  tier: ApiKeyRow["tier"];
  ip_allowlist: string[];
  allowed_countries: string[];
  status: "active" | "revoked" | "suspended" | "expired";
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  rotate_after: string;
  rate_limit: { rate_per_minute: number; burst: number } | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function jsonList<T>(text: string): T[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? (value as T[]) : [];
}

/** The status a caller sees: stored status, or `expired` once an unrevoked key is past `expires_at`. */
export function effectiveStatus(row: Pick<ApiKeyRow, "status" | "expires_at">, now: number): KeyObject["status"] {
  if (row.status === "revoked") return "revoked";
  if (row.expires_at !== null && row.expires_at <= now) return "expired";
  return row.status;
}

/** Renders a row as the key object. */
export function toKeyObject(row: ApiKeyRow, now: number): KeyObject {
  return {
    key_id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: jsonList<Scope>(row.scopes),
    tier: row.tier,
    ip_allowlist: jsonList<string>(row.ip_allowlist),
    allowed_countries: jsonList<string>(row.allowed_countries),
    status: effectiveStatus(row, now),
    created_at: iso(row.created_at),
    expires_at: row.expires_at === null ? null : iso(row.expires_at),
    last_used_at: row.last_used_at === null ? null : iso(row.last_used_at),
    rotate_after: iso(row.created_at + ROTATE_AFTER_MS),
    rate_limit:
      row.rate_per_minute !== null && row.burst !== null
        ? { rate_per_minute: row.rate_per_minute, burst: row.burst }
        : null,
  };
}

/** A row's restrictions for the no-escalation rule. */
export function powersOf(row: ApiKeyRow): KeyPowers & { id: string } {
  return {
    id: row.id,
    scopes: jsonList<Scope>(row.scopes),
    tier: row.tier,
    ip_allowlist: jsonList<string>(row.ip_allowlist),
    allowed_countries: jsonList<string>(row.allowed_countries),
    expires_at: row.expires_at,
  };
}
