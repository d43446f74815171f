import { listAuditRows } from "../../db/audit-log";
import { decodeCursor, encodeCursor } from "../../lib/keyset-cursor";
import type { AuditRow } from "./chain";
import type { AuditEventName } from "./record";

/** An audit entry as `GET /audit-logs` shows it. */
export interface AuditEntry {
  id: string;
  timestamp: string;
  request_id: string | null;
  event: AuditEventName;
  account_id: string | null;
  key_id: string | null;
  method: string | null;
  endpoint: string | null;
  status: number | null;
  ip: string | null;
  country: string | null;
  user_agent: string | null;
  latency_ms: number | null;
  details: Record<string, unknown>;
}

/** The public id of a chain position (`aud_42`). */
export function auditId(seq: number): string {
  return `aud_${seq}`;
}

/** The API shape of a stored row. */
export function toAuditEntry(row: AuditRow): AuditEntry {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(row.details) as Record<string, unknown>;
  } catch {
    details = { unreadable: true }; // only a tampered row can hold invalid JSON; verify says which
  }
  return {
    id: auditId(row.seq),
    timestamp: new Date(row.ts).toISOString(),
    request_id: row.request_id,
    event: row.event as AuditEventName,
    account_id: row.account_id,
    key_id: row.key_id,
    method: row.method,
    endpoint: row.endpoint,
    status: row.status,
    ip: row.ip,
    country: row.country,
    user_agent: row.user_agent,
    latency_ms: row.latency_ms,
    details,
  };
}

/**
 * One page of audit entries, newest first. `accountId` is the scope the caller may see: their
 * own account, or (admins) any account or all of them.
 */
export async function listAuditEntries(
  db: D1Database,
  q: { accountId?: string; event?: string; startMs?: number; endMs?: number; limit: number; cursor?: string },
): Promise<{ entries: AuditEntry[]; next_cursor: string | null }> {
  const before = q.cursor ? decodeCursor(q.cursor, { t: "number", s: "number" }) : undefined;
  const rows = await listAuditRows(db, {
    ...(q.accountId !== undefined ? { accountId: q.accountId } : {}),
    ...(q.event !== undefined ? { event: q.event } : {}),
    ...(q.startMs !== undefined ? { startMs: q.startMs } : {}),
    ...(q.endMs !== undefined ? { endMs: q.endMs } : {}),
    ...(before ? { before: { ts: before.t, seq: before.s } } : {}),
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    entries: page.map(toAuditEntry),
    next_cursor: rows.length > q.limit && last ? encodeCursor({ t: last.ts, s: last.seq }) : null,
  };
}
