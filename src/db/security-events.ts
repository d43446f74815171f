/** SQL of security events (`GET /admin/security-events`). */

export interface SecurityEventRow {
  id: string;
  type: string;
  ip: string | null;
  account_id: string | null;
  details: string;
  ts: number;
}

/** Inserts one event. */
export async function insertSecurityEvent(db: D1Database, row: SecurityEventRow): Promise<void> {
  await db
    .prepare("INSERT INTO security_events (id, type, ip, account_id, details, ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
    .bind(row.id, row.type, row.ip, row.account_id, row.details, row.ts)
    .run();
}

/**
 * Inserts an event unless one of the same type for the same account exists since `sinceMs`
 * (deduplication of a condition that persists, e.g. concurrent sessions). Returns whether it did.
 */
export async function insertSecurityEventOnce(
  db: D1Database,
  row: SecurityEventRow,
  sinceMs: number,
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO security_events (id, type, ip, account_id, details, ts)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6
       WHERE NOT EXISTS (SELECT 1 FROM security_events WHERE account_id = ?4 AND type = ?2 AND ts >= ?7)`,
    )
    .bind(row.id, row.type, row.ip, row.account_id, row.details, row.ts, sinceMs)
    .run();
  return result.meta.changes > 0;
}

/** One page of events, newest first. */
export async function listSecurityEvents(
  db: D1Database,
  q: { type?: string; startMs?: number; endMs?: number; before?: { ts: number; id: string }; limit: number },
): Promise<SecurityEventRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `?${params.length}`;
  };
  if (q.type !== undefined) where.push(`type = ${bind(q.type)}`);
  if (q.startMs !== undefined) where.push(`ts >= ${bind(q.startMs)}`);
  if (q.endMs !== undefined) where.push(`ts < ${bind(q.endMs)}`);
  if (q.before) where.push(`(ts, id) < (${bind(q.before.ts)}, ${bind(q.before.id)})`);
  const sql = `SELECT id, type, ip, account_id, details, ts FROM security_events
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY ts DESC, id DESC LIMIT ${bind(q.limit)}`;
  const { results } = await db
    .prepare(sql)
    .bind(...params)
    .all<SecurityEventRow>();
  return results;
}

/** Deletes up to `limit` events older than `cutoffMs`; returns how many. */
export async function purgeSecurityEvents(db: D1Database, cutoffMs: number, limit: number): Promise<number> {
  const result = await db
    .prepare(
      "DELETE FROM security_events WHERE id IN (SELECT id FROM security_events WHERE ts < ?1 ORDER BY ts LIMIT ?2)",
    )
    .bind(cutoffMs, limit)
    .run();
  return result.meta.changes;
}
