/** SQL of the IP block list. */

export interface IpBlockRow {
  id: string;
  ip: string;
  reason: string | null;
  source: "manual" | "automatic";
  created_at: number;
  expires_at: number | null;
  created_by: string | null;
}

const COLUMNS = "id, ip, reason, source, created_at, expires_at, created_by";
const ACTIVE = "(expires_at IS NULL OR expires_at > ?1)";

/**
 * Inserts a block unless an active one for the same address or range exists; returns the new
 * row, or the existing active block when there was one (`created: false`).
 */
export async function insertIpBlock(db: D1Database, row: IpBlockRow): Promise<{ created: boolean; block: IpBlockRow }> {
  const [inserted, existing] = await db.batch<IpBlockRow>([
    db
      .prepare(
        `INSERT INTO ip_blocks (${COLUMNS}) SELECT ?2, ?3, ?4, ?5, ?6, ?7, ?8
         WHERE NOT EXISTS (SELECT 1 FROM ip_blocks WHERE ip = ?3 AND ${ACTIVE}) RETURNING ${COLUMNS}`,
      )
      .bind(row.created_at, row.id, row.ip, row.reason, row.source, row.created_at, row.expires_at, row.created_by),
    db
      .prepare(`SELECT ${COLUMNS} FROM ip_blocks WHERE ip = ?2 AND ${ACTIVE} ORDER BY created_at LIMIT 1`)
      .bind(row.created_at, row.ip),
  ]);
  const created = inserted?.results[0];
  if (created) return { created: true, block: created };
  const block = existing?.results[0];
  if (!block) throw new Error("ip block neither inserted nor found");
  return { created: false, block };
}

/** Every active block's address or range and expiry (for the in-isolate block list). */
export async function activeBlocks(
  db: D1Database,
  now: number,
  limit: number,
): Promise<Array<{ ip: string; expires_at: number | null }>> {
  const { results } = await db
    .prepare(`SELECT ip, expires_at FROM ip_blocks WHERE ${ACTIVE} LIMIT ?2`)
    .bind(now, limit)
    .all<{ ip: string; expires_at: number | null }>();
  return results;
}

/** One page of active blocks, newest first. */
export async function listActiveBlocks(
  db: D1Database,
  q: { now: number; before?: { created_at: number; id: string }; limit: number },
): Promise<IpBlockRow[]> {
  const keyset = q.before ? "AND (created_at, id) < (?3, ?4)" : "";
  const params: unknown[] = [q.now, q.limit];
  if (q.before) params.push(q.before.created_at, q.before.id);
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM ip_blocks WHERE ${ACTIVE} ${keyset} ORDER BY created_at DESC, id DESC LIMIT ?2`)
    .bind(...params)
    .all<IpBlockRow>();
  return results;
}

/** Deletes a block; returns the deleted row, or null when there was none. */
export async function deleteIpBlock(db: D1Database, id: string): Promise<IpBlockRow | null> {
  return db.prepare(`DELETE FROM ip_blocks WHERE id = ?1 RETURNING ${COLUMNS}`).bind(id).first<IpBlockRow>();
}

/** Deletes up to `limit` blocks that expired before `cutoffMs`; returns how many. */
export async function purgeExpiredBlocks(db: D1Database, cutoffMs: number, limit: number): Promise<number> {
  const result = await db
    .prepare(
      "DELETE FROM ip_blocks WHERE id IN (SELECT id FROM ip_blocks WHERE expires_at IS NOT NULL AND expires_at < ?1 LIMIT ?2)",
    )
    .bind(cutoffMs, limit)
    .run();
  return result.meta.changes;
}
