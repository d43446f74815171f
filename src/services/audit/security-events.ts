import type { Context } from "hono";
import { logger } from "../../lib/log";
import type { AppEnv } from "../../types";

/** Security event types (API.md, `GET /api/v1/admin/security-events`). */
export type SecurityEventType =
  | "failed_auth_burst"
  | "ip_blocked"
  | "new_country_login"
  | "key_suspended"
  | "rate_limit_suspension"
  | "refresh_token_reused"
  | "concurrent_sessions";

export interface SecurityEvent {
  type: SecurityEventType;
  ip?: string | null;
  account_id?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Raises a security event. Seam: until the audit/security capability lands this only writes a
 * structured log line; callers do not change when it starts persisting.
 */
export function recordSecurityEvent(c: Context<AppEnv>, event: SecurityEvent): void {
  logger.warn("security_event", {
    request_id: c.get("requestId"),
    type: event.type,
    ip: event.ip ?? c.get("clientIp"),
    account_id: event.account_id ?? null,
    details: event.details ?? {},
  });
}
