/** SQL for `portfolio_idempotency`: completed trading writes, replayable for 24 hours. */

/** What a trading write is remembered under. */
export type IdempotentOperation = "open" | "close";

/** A stored outcome (only while `expires_at` is in the future). */
export interface IdempotencyRow {
  request_hash: string;
  status: number;
  response: string;
  expires_at: number;
}

/** The live record of a key, if any (an expired one counts as absent). */
export async function readIdempotency(
  db: D1Database,
  key: { account_id: string; operation: IdempotentOperation; idempotency_key: string },
  now: number,
): Promise<IdempotencyRow | null> {
  return db
    .prepare(
      `SELECT request_hash, status, response, expires_at FROM portfolio_idempotency
       WHERE account_id = ?1 AND operation = ?2 AND idempotency_key = ?3 AND expires_at > ?4`,
    )
    .bind(key.account_id, key.operation, key.idempotency_key, now)
    .first<IdempotencyRow>();
}

/**
 * Statements that record an outcome inside the write's own batch: an expired record of the same
 * key is dropped first; a live one makes the INSERT (and so the whole write) fail, which is how
 * two concurrent requests with one key cannot both write.
 */
export function recordIdempotencyStatements(
  db: D1Database,
  record: {
    account_id: string;
    operation: IdempotentOperation;
    idempotency_key: string;
    request_hash: string;
    status: number;
    response: string;
    created_at: number;
    expires_at: number;
  },
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `DELETE FROM portfolio_idempotency
         WHERE account_id = ?1 AND operation = ?2 AND idempotency_key = ?3 AND expires_at <= ?4`,
      )
      .bind(record.account_id, record.operation, record.idempotency_key, record.created_at),
    db
      .prepare(
        `INSERT INTO portfolio_idempotency
           (account_id, operation, idempotency_key, request_hash, status, response, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
      )
      .bind(
        record.account_id,
        record.operation,
        record.idempotency_key,
        record.request_hash,
        record.status,
        record.response,
        record.created_at,
        record.expires_at,
      ),
  ];
}

/** True when a D1 error is a live idempotency record refusing a second write with its key. */
export function isIdempotencyConflict(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /UNIQUE constraint failed: portfolio_idempotency\./.test(message);
}

/** Deletes up to `limit` expired records, oldest first; returns how many went. */
export async function purgeExpiredIdempotency(db: D1Database, now: number, limit: number): Promise<number> {
  const result = await db
    .prepare(
      `DELETE FROM portfolio_idempotency WHERE (account_id, operation, idempotency_key) IN (
         SELECT account_id, operation, idempotency_key FROM portfolio_idempotency
         WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2)`,
    )
    .bind(now, limit)
    .run();
  return result.meta.changes ?? 0;
}
