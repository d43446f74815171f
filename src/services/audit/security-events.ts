import type { Context } from "hono";
import { insertSecurityEvent, type SecurityEventRow } from "../../db/security-events";
import { toHex } from "../../lib/crypto";
import { logger } from "../../lib/log";
import type { AppEnv } from "../../types";
import { ipOf, waiterOf } from "./request-facts";
import { cleanDetails } from "./sanitize";

/** Security event types (API.md, `GET /api/v1/admin/security-events`). */
export type SecurityEventType =
  | "failed_auth_burst"
  | "ip_blocked"
  | "new_country_login"
  | "key_suspended"
  | "rate_limit_suspension"
  | "refresh_token_reused"
  | "concurrent_sessions";

/** Every security event type, for query validation and docs. */
export const SECURITY_EVENT_TYPES = [
  "failed_auth_burst",
  "ip_blocked",
  "new_country_login",
  "key_suspended",
  "rate_limit_suspension",
  "refresh_token_reused",
  "concurrent_sessions",
] as const satisfies readonly SecurityEventType[];

export interface SecurityEvent {
  type: SecurityEventType;
  ip?: string | null;
  account_id?: string | null;
  details?: Record<string, unknown>;
}

/** A new security event id: `sev_` + 24 hex characters. */
export function securityEventId(): string {
  return `sev_${toHex(crypto.getRandomValues(new Uint8Array(12)))}`;
}

/** The stored row of an event raised now. */
export function securityEventRow(event: SecurityEvent, now = Date.now()): SecurityEventRow {
  return {
    id: securityEventId(),
    type: event.type,
    ip: event.ip ?? null,
    account_id: event.account_id ?? null,
    details: cleanDetails(event.details),
    ts: now,
  };
}

/** Stores a security event (and logs it at warn level for alerting). Never throws. */
export async function storeSecurityEvent(db: D1Database, event: SecurityEvent, requestId?: string): Promise<void> {
  const row = securityEventRow(event);
  logger.warn("security_event", {
    request_id: requestId ?? null,
    event_id: row.id,
    type: row.type,
    ip: row.ip,
    account_id: row.account_id,
    details: JSON.parse(row.details),
  });
  try {
    await insertSecurityEvent(db, row);
  } catch (err) {
    logger.error("security_event_not_stored", {
      event_id: row.id,
      type: row.type,
      ip: row.ip,
      account_id: row.account_id,
      details: row.details,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

/**
 * Raises a security event: stored in D1 under the request's `waitUntil`, so the caller never
 * waits. The IP defaults to the caller's.
 * @example recordSecurityEvent(c, { type: "refresh_token_reused", account_id: userId })
 */
export function recordSecurityEvent(c: Context<AppEnv>, event: SecurityEvent): void {
  const work = storeSecurityEvent(
    c.env.DB,
    { ...event, ip: event.ip === undefined ? ipOf(c) : event.ip },
    c.get("requestId"),
  );
  const waiter = waiterOf(c);
  if (waiter) waiter.waitUntil(work);
}
