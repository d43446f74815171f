import type { Context } from "hono";
import { logger } from "../../lib/log";
import type { AppEnv } from "../../types";

/** Audit event names (API.md "Operations"). */
export type AuditEventName =
  | "api.request"
  | "auth.register"
  | "auth.login_succeeded"
  | "auth.login_failed"
  | "auth.refresh"
  | "auth.refresh_reused"
  | "auth.logout"
  | "auth.wallet_login"
  | "key.created"
  | "key.rotated"
  | "key.revoked"
  | "key.suspended"
  | "key.unsuspended"
  | "position.opened"
  | "position.closed"
  | "monitor.started"
  | "monitor.stopped"
  | "ratelimit.suspended"
  | "security.ip_blocked"
  | "admin.ip_block_added"
  | "admin.ip_block_removed"
  | "admin.trading_halt";

/** A domain event, recorded in addition to the request's own `api.request` entry. */
export interface DomainEvent {
  event: AuditEventName;
  /** The account the event is about (defaults to the caller's). */
  account_id?: string | null;
  key_id?: string | null;
  /** Never tokens, keys, secrets, passwords or request bodies. */
  details?: Record<string, unknown>;
}

/**
 * Records a domain event for the audit log. Seam: until the audit capability lands this only
 * writes a structured log line; callers do not change when it starts persisting.
 * @example recordEvent(c, { event: "auth.login_failed", account_id: user?.id ?? null, details: { reason: "bad_password" } })
 */
export function recordEvent(c: Context<AppEnv>, event: DomainEvent): void {
  logger.info("audit_event", {
    request_id: c.get("requestId"),
    event: event.event,
    account_id: event.account_id ?? c.get("principal")?.user_id ?? null,
    key_id: event.key_id ?? c.get("principal")?.key_id ?? null,
    details: event.details ?? {},
  });
}
