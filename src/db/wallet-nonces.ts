/** A row of `wallet_nonces`. Times are epoch milliseconds. */
export interface WalletNonceRow {
  nonce: string;
  wallet: string;
  message_hash: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** Stores a freshly issued nonce with the hash of the exact message it was issued in. */
export async function insertWalletNonce(
  db: D1Database,
  n: { nonce: string; wallet: string; messageHash: string; now: number; expiresAt: number },
): Promise<void> {
  await db
    .prepare(
      "INSERT INTO wallet_nonces (nonce, wallet, message_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(n.nonce, n.wallet, n.messageHash, n.now, n.expiresAt)
    .run();
}

/** A nonce by value, or null. */
export function findWalletNonce(db: D1Database, nonce: string): Promise<WalletNonceRow | null> {
  return db.prepare("SELECT * FROM wallet_nonces WHERE nonce = ?1").bind(nonce).first<WalletNonceRow>();
}

/**
 * Consumes a nonce atomically: one conditional UPDATE whose changed-row count decides, so two
 * concurrent sign-ins with the same nonce cannot both succeed. True for the one that wins.
 */
export async function consumeWalletNonce(
  db: D1Database,
  c: { nonce: string; wallet: string; messageHash: string; now: number },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE wallet_nonces SET consumed_at = ?4
       WHERE nonce = ?1 AND wallet = ?2 AND message_hash = ?3 AND consumed_at IS NULL AND expires_at > ?4`,
    )
    .bind(c.nonce, c.wallet, c.messageHash, c.now)
    .run();
  return result.meta.changes === 1;
}

/** Deletes nonces that expired before `before`, at most `limit` per call. */
export async function purgeWalletNonces(db: D1Database, before: number, limit: number): Promise<number> {
  const result = await db
    .prepare(
      "DELETE FROM wallet_nonces WHERE rowid IN (SELECT rowid FROM wallet_nonces WHERE expires_at <= ?1 LIMIT ?2)",
    )
    .bind(before, limit)
    .run();
  return result.meta.changes;
}
