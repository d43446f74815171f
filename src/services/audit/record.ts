import type { Context } from "hono";
import { logger } from "../../lib/log";
import type { AppEnv } from "../../types";
import { checkLoginCountry } from "../security/login-countries";
import { enqueueAudit } from "./pipeline";
import { draftFor, waiterOf } from "./request-facts";
import { cleanDetails } from "./sanitize";

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

/** Every audit event name, for query validation and docs. */
export const AUDIT_EVENTS = [
  "api.request",
  "auth.register",
  "auth.login_succeeded",
  "auth.login_failed",
  "auth.refresh",
  "auth.refresh_reused",
  "auth.logout",
  "auth.wallet_login",
  "key.created",
  "key.rotated",
  "key.revoked",
  "key.suspended",
  "key.unsuspended",
  "position.opened",
  "position.closed",
  "monitor.started",
  "monitor.stopped",
  "ratelimit.suspended",
  "security.ip_blocked",
  "admin.ip_block_added",
  "admin.ip_block_removed",
  "admin.trading_halt",
] as const satisfies readonly AuditEventName[];

/** A domain event, recorded in addition to the request's own `api.request` entry. */
export interface DomainEvent {
  event: AuditEventName;
  /** The account the event is about (defaults to the caller's). */
  account_id?: string | null;
  key_id?: string | null;
  /** Never tokens, keys, secrets, passwords or request bodies. */
  details?: Record<string, unknown>;
}

/** A domain event as buffered until the request ends (see the audit middleware). */
export interface RecordedEvent {
  ts: number;
  event: AuditEventName;
  account_id: string | null;
  key_id: string | null;
  details: Record<string, unknown>;
}

const LOGIN_EVENTS: ReadonlySet<AuditEventName> = new Set(["auth.login_succeeded", "auth.wallet_login"]);

/**
 * Records a domain event in the audit log. Inside the audit middleware the event is written
 * with the request's own entry once the response is known; elsewhere it is queued at once.
 * Either way nothing waits on the write. Details are cleaned (credential-looking keys dropped,
 * values masked, sizes bounded) before they are stored.
 * @example recordEvent(c, { event: "auth.login_failed", account_id: user?.id ?? null, details: { reason: "bad_password" } })
 */
export function recordEvent(c: Context<AppEnv>, event: DomainEvent): void {
  const principal = c.get("principal");
  const recorded: RecordedEvent = {
    ts: Date.now(),
    event: event.event,
    account_id: event.account_id === undefined ? (principal?.user_id ?? null) : event.account_id,
    key_id: event.key_id === undefined ? (principal?.key_id ?? null) : event.key_id,
    details: event.details ?? {},
  };
  // Also a log line, so domain events reach Workers Logs (and alerting) at once.
  logger.info("audit_event", {
    request_id: c.get("requestId"),
    event: recorded.event,
    account_id: recorded.account_id,
    key_id: recorded.key_id,
    details: JSON.parse(cleanDetails(recorded.details)),
  });
  const pending = c.get("auditEvents");
  if (pending) pending.push(recorded);
  else enqueueAudit(c.env, waiterOf(c), [draftFor(c, recorded)]);
  if (LOGIN_EVENTS.has(event.event) && recorded.account_id) checkLoginCountry(c, recorded.account_id);
}
