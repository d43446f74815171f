import type { AuditDraft, AuditRow } from "../services/audit/chain";

/** SQL of the audit log, its retention anchor and the delivery spool. */

const COLUMNS =
  "seq, ts, request_id, event, account_id, key_id, method, endpoint, status, ip, country, user_agent, latency_ms, details, prev_hash, hash";

/** D1 binds at most 100 parameters per statement: 6 rows of 16 columns each. */
const ROWS_PER_INSERT = 6;

function rowValues(r: AuditRow): unknown[] {
  return [
    r.seq,
    r.ts,
    r.request_id,
    r.event,
    r.account_id,
    r.key_id,
    r.method,
    r.endpoint,
    r.status,
    r.ip,
    r.country,
    r.user_agent,
    r.latency_ms,
    r.details,
    r.prev_hash,
    r.hash,
  ];
}

/**
 * Inserts chained rows in one batch (one transaction), several rows per statement. `OR IGNORE`
 * on the primary key makes a retried delivery of rows that did land a no-op instead of an error.
 * Returns the rows whose sequence number was already taken by a row with another hash: never a
 * retry, always tampering.
 */
export async function insertAuditRows(db: D1Database, rows: AuditRow[]): Promise<AuditRow[]> {
  if (rows.length === 0) return [];
  const chunks: AuditRow[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) chunks.push(rows.slice(i, i + ROWS_PER_INSERT));
  const results = await db.batch(
    chunks.map((chunk) => {
      const placeholders = chunk
        .map((_, r) => `(${Array.from({ length: 16 }, (_, c) => `?${r * 16 + c + 1}`).join(", ")})`)
        .join(", ");
      return db
        .prepare(`INSERT OR IGNORE INTO audit_log (${COLUMNS}) VALUES ${placeholders}`)
        .bind(...chunk.flatMap(rowValues));
    }),
  );
  const suspects = chunks.filter((chunk, i) => (results[i]?.meta.changes ?? chunk.length) < chunk.length).flat();
  if (suspects.length === 0) return [];
  const conflicts: AuditRow[] = [];
  for (const row of suspects) {
    const found = await db.prepare("SELECT hash FROM audit_log WHERE seq = ?1").bind(row.seq).first<{ hash: string }>();
    if (found && found.hash !== row.hash) conflicts.push(row);
  }
  return conflicts;
}

/** Filters of `GET /audit-logs`; `after` is the keyset position (newest first). */
export interface AuditQuery {
  accountId?: string;
  event?: string;
  startMs?: number;
  endMs?: number;
  before?: { ts: number; seq: number };
  limit: number;
}

/** One page of entries, newest first (by time, then sequence). */
export async function listAuditRows(db: D1Database, q: AuditQuery): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `?${params.length}`;
  };
  if (q.accountId !== undefined) where.push(`account_id = ${bind(q.accountId)}`);
  if (q.event !== undefined) where.push(`event = ${bind(q.event)}`);
  if (q.startMs !== undefined) where.push(`ts >= ${bind(q.startMs)}`);
  if (q.endMs !== undefined) where.push(`ts < ${bind(q.endMs)}`);
  if (q.before) where.push(`(ts, seq) < (${bind(q.before.ts)}, ${bind(q.before.seq)})`);
  const sql = `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY ts DESC, seq DESC LIMIT ${bind(q.limit)}`;
  const { results } = await db
    .prepare(sql)
    .bind(...params)
    .all<AuditRow>();
  return results;
}

/** Rows in chain order after `afterSeq`, up to `limit`. */
export async function chainPage(db: D1Database, afterSeq: number, limit: number): Promise<AuditRow[]> {
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2`)
    .bind(afterSeq, limit)
    .all<AuditRow>();
  return results;
}

/** The row with this sequence number, if it is still stored. */
export async function auditRowBySeq(db: D1Database, seq: number): Promise<AuditRow | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM audit_log WHERE seq = ?1`).bind(seq).first<AuditRow>();
}

/** The last chained position stored in D1 (newest row, else the anchor); null for an empty log. */
export async function chainTail(db: D1Database): Promise<{ seq: number; hash: string } | null> {
  const row = await db
    .prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    .first<{ seq: number; hash: string }>();
  return row ?? readAnchor(db);
}

/** The retention anchor: the last purged row's `(seq, hash)`, or null when nothing was purged. */
export async function readAnchor(db: D1Database): Promise<{ seq: number; hash: string } | null> {
  return db.prepare("SELECT seq, hash FROM audit_anchor WHERE id = 1").first<{ seq: number; hash: string }>();
}

/**
 * Deletes up to `limit` of the oldest rows, stopping before the first row at or after `cutoffMs`,
 * and moves the anchor to the last deleted row in the same transaction. Only a prefix of the
 * chain is ever removed, so what remains still links to the anchor. Returns rows deleted.
 */
export async function purgeAuditPrefix(db: D1Database, cutoffMs: number, limit: number, now: number): Promise<number> {
  // The first row young enough to keep bounds the prefix; rows after it stay even if their
  // timestamps are a little older (clock order and chain order can differ by seconds).
  const keep = await db
    .prepare("SELECT MIN(seq) AS seq FROM audit_log WHERE ts >= ?1")
    .bind(cutoffMs)
    .first<{ seq: number | null }>();
  const bound = keep?.seq ?? Number.MAX_SAFE_INTEGER;
  const last = await db
    .prepare(
      "SELECT seq, hash FROM (SELECT seq, hash FROM audit_log WHERE seq < ?1 ORDER BY seq LIMIT ?2) ORDER BY seq DESC LIMIT 1",
    )
    .bind(bound, limit)
    .first<{ seq: number; hash: string }>();
  if (!last) return 0;
  const [deleted] = await db.batch([
    db.prepare("DELETE FROM audit_log WHERE seq <= ?1").bind(last.seq),
    db
      .prepare(
        `INSERT INTO audit_anchor (id, seq, hash, purged_at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, purged_at = excluded.purged_at`,
      )
      .bind(last.seq, last.hash, now),
  ]);
  return deleted?.meta.changes ?? 0;
}

/**
 * Accounts seen from more than `minIps` distinct IPs since `sinceMs` (their requests' entries),
 * with up to 10 of those IPs. Reads only the partial `audit_log_activity` index.
 */
export async function accountsWithManyIps(
  db: D1Database,
  sinceMs: number,
  minIps: number,
  limit: number,
): Promise<Array<{ account_id: string; ips: number; sample: string }>> {
  const { results } = await db
    .prepare(
      `SELECT account_id, COUNT(DISTINCT ip) AS ips, GROUP_CONCAT(DISTINCT ip) AS sample FROM audit_log
       WHERE event = 'api.request' AND account_id IS NOT NULL AND ts >= ?1 AND ip IS NOT NULL
       GROUP BY account_id HAVING COUNT(DISTINCT ip) > ?2 LIMIT ?3`,
    )
    .bind(sinceMs, minIps, limit)
    .all<{ account_id: string; ips: number; sample: string }>();
  return results;
}

/** Keeps a batch the sequencer could not take, for a later retry (idempotent on `id`). */
export async function spoolDrafts(db: D1Database, id: string, drafts: AuditDraft[], now: number): Promise<void> {
  await db
    .prepare("INSERT OR IGNORE INTO audit_spool (id, drafts, created_at) VALUES (?1, ?2, ?3)")
    .bind(id, JSON.stringify(drafts), now)
    .run();
}

/** The oldest spooled batches. */
export async function readSpool(
  db: D1Database,
  limit: number,
): Promise<Array<{ id: string; drafts: AuditDraft[]; created_at: number }>> {
  const { results } = await db
    .prepare("SELECT id, drafts, created_at FROM audit_spool ORDER BY created_at, id LIMIT ?1")
    .bind(limit)
    .all<{ id: string; drafts: string; created_at: number }>();
  return results.map((r) => ({ ...r, drafts: JSON.parse(r.drafts) as AuditDraft[] }));
}

/** Removes a spooled batch once the sequencer has accepted it. */
export async function deleteSpooled(db: D1Database, id: string): Promise<void> {
  await db.prepare("DELETE FROM audit_spool WHERE id = ?1").bind(id).run();
}
