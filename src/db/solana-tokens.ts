/**
 * SQL for `solana_tokens`: the scanner's schedule, cursor and lease per token, and the RPC
 * pull's resume point. A scan holds a lease (`claim_id`) so overlapping cron runs never scan the
 * same token at once; every write of a scan is guarded by that lease.
 */

/** A token claimed for scanning. */
export interface ClaimedToken {
  token_address: string;
  update_interval: number;
  last_event_id: number;
  next_scan_at: number;
}

/**
 * Claims up to `limit` due tokens (monitored, `next_scan_at` ≤ now, no live lease), the longest
 * overdue first, for `leaseMs`.
 */
export async function claimDueTokens(
  db: D1Database,
  options: { runId: string; now: number; leaseMs: number; limit: number },
): Promise<ClaimedToken[]> {
  const { results } = await db
    .prepare(
      `UPDATE solana_tokens SET claim_id = ?1, claim_until = ?2
       WHERE token_address IN (
         SELECT token_address FROM solana_tokens
         WHERE update_interval IS NOT NULL AND next_scan_at <= ?3 AND (claim_until IS NULL OR claim_until < ?3)
         ORDER BY next_scan_at LIMIT ?4)
       RETURNING token_address, update_interval, last_event_id, next_scan_at`,
    )
    .bind(options.runId, options.now + options.leaseMs, options.now, options.limit)
    .all<ClaimedToken>();
  // RETURNING order is unspecified; scan the longest overdue first, as claimed.
  return results.sort((a, b) => a.next_scan_at - b.next_scan_at || a.token_address.localeCompare(b.token_address));
}

/** SQL condition "this run still holds the lease on token ?1 (with run id ?2)". */
export const HOLDS_LEASE = "EXISTS (SELECT 1 FROM solana_tokens WHERE token_address = ?1 AND claim_id = ?2)";

/** Ends a scan: advances the cursor, schedules the next scan and releases the lease. */
export function finishScanStatement(
  db: D1Database,
  options: { token: string; runId: string; lastEventId: number; now: number; nextScanAt: number },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE solana_tokens SET last_event_id = ?3, last_scan_at = ?4, next_scan_at = ?5, claim_id = NULL, claim_until = NULL
       WHERE token_address = ?1 AND claim_id = ?2`,
    )
    .bind(options.token, options.runId, options.lastEventId, options.now, options.nextScanAt);
}

/** Gives a lease back without scanning (budget spent, or the scan failed); the token is due at `nextScanAt`. */
export async function releaseClaim(
  db: D1Database,
  options: { token: string; runId: string; nextScanAt: number },
): Promise<void> {
  await db
    .prepare(
      `UPDATE solana_tokens SET claim_id = NULL, claim_until = NULL, next_scan_at = ?3
       WHERE token_address = ?1 AND claim_id = ?2`,
    )
    .bind(options.token, options.runId, options.nextScanAt)
    .run();
}

/** What the analysis endpoint needs of a token's scan state; null when nobody ever monitored it. */
export async function tokenScanState(
  db: D1Database,
  token: string,
): Promise<{ last_scan_at: number | null; last_event_id: number; monitored: boolean } | null> {
  const row = await db
    .prepare("SELECT last_scan_at, last_event_id, update_interval FROM solana_tokens WHERE token_address = ?1")
    .bind(token)
    .first<{ last_scan_at: number | null; last_event_id: number; update_interval: number | null }>();
  if (!row) return null;
  return { last_scan_at: row.last_scan_at, last_event_id: row.last_event_id, monitored: row.update_interval !== null };
}

/** A monitored token's RPC pull position. */
export interface RpcCursor {
  token_address: string;
  rpc_last_signature: string | null;
  rpc_before: string | null;
  rpc_top: string | null;
}

/** Monitored tokens for the RPC pull, the longest unpulled first. */
export async function tokensToPull(db: D1Database, limit: number): Promise<RpcCursor[]> {
  const { results } = await db
    .prepare(
      `SELECT token_address, rpc_last_signature, rpc_before, rpc_top FROM solana_tokens
       WHERE update_interval IS NOT NULL ORDER BY rpc_pulled_at LIMIT ?1`,
    )
    .bind(limit)
    .all<RpcCursor>();
  return results;
}

/** Stores a token's RPC pull position after a page was taken in (or failed: `pulledAt` only). */
export async function saveRpcCursor(db: D1Database, cursor: RpcCursor, pulledAt: number): Promise<void> {
  await db
    .prepare(
      `UPDATE solana_tokens SET rpc_last_signature = ?2, rpc_before = ?3, rpc_top = ?4, rpc_pulled_at = ?5
       WHERE token_address = ?1`,
    )
    .bind(cursor.token_address, cursor.rpc_last_signature, cursor.rpc_before, cursor.rpc_top, pulledAt)
    .run();
}
