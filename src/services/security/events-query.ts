import { listSecurityEvents, type SecurityEventRow } from "../../db/security-events";
import { decodeCursor, encodeCursor } from "../../lib/keyset-cursor";
import type { SecurityEventType } from "../audit/security-events";

/** A security event as `GET /admin/security-events` shows it. */
export interface SecurityEventView {
  event_id: string;
  type: SecurityEventType;
  ip: string | null;
  account_id: string | null;
  details: Record<string, unknown>;
  timestamp: string;
}

function toView(row: SecurityEventRow): SecurityEventView {
  return {
    event_id: row.id,
    type: row.type as SecurityEventType,
    ip: row.ip,
    account_id: row.account_id,
    details: JSON.parse(row.details) as Record<string, unknown>,
    timestamp: new Date(row.ts).toISOString(),
  };
}

/** One page of security events, newest first. */
export async function listSecurityEventsPage(
  db: D1Database,
  q: { type?: string; startMs?: number; endMs?: number; limit: number; cursor?: string },
): Promise<{ events: SecurityEventView[]; next_cursor: string | null }> {
  const before = q.cursor ? decodeCursor(q.cursor, { t: "number", id: "string" }) : undefined;
  const rows = await listSecurityEvents(db, {
    ...(q.type !== undefined ? { type: q.type } : {}),
    ...(q.startMs !== undefined ? { startMs: q.startMs } : {}),
    ...(q.endMs !== undefined ? { endMs: q.endMs } : {}),
    ...(before ? { before: { ts: before.t, id: before.id } } : {}),
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    events: page.map(toView),
    next_cursor: rows.length > q.limit && last ? encodeCursor({ t: last.ts, id: last.id }) : null,
  };
}
