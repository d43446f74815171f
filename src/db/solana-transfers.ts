/** SQL for `solana_transfers` and `solana_prices`: ingested chain events, read by the scanner. */

/** A token transfer to store. `time` is epoch ms; `amount` is token units as decimal text. */
export interface TransferWrite {
  mint: string;
  signature: string;
  transfer_index: number;
  slot: number | null;
  time: number;
  from: string | null;
  to: string | null;
  amount: string;
}

/** A USD price point to store. */
export interface PriceWrite {
  mint: string;
  time: number;
  price_usd: string;
}

/** Rows per INSERT statement; each carries its rows as one JSON parameter. */
const ROWS_PER_STATEMENT = 500;

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/**
 * Statements inserting transfers, skipping any already stored (same signature and transfer
 * index). Each returns the `signature, transfer_index` of the rows it actually inserted.
 */
export function insertTransfersStatements(
  db: D1Database,
  rows: readonly TransferWrite[],
  source: "webhook" | "rpc",
  now: number,
): D1PreparedStatement[] {
  return chunks(rows, ROWS_PER_STATEMENT).map((chunk) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO solana_transfers
           (mint, signature, transfer_index, slot, block_time, from_wallet, to_wallet, amount, source, received_at)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, ?2, ?3
         FROM json_each(?1) WHERE true ORDER BY key
         RETURNING signature, transfer_index`,
      )
      .bind(
        JSON.stringify(
          chunk.map((t) => [t.mint, t.signature, t.transfer_index, t.slot, t.time, t.from, t.to, t.amount]),
        ),
        source,
        now,
      ),
  );
}

/** Statements inserting price points, skipping (mint, time) pairs already stored; each returns what it inserted. */
export function insertPricesStatements(
  db: D1Database,
  rows: readonly PriceWrite[],
  now: number,
): D1PreparedStatement[] {
  return chunks(rows, ROWS_PER_STATEMENT).map((chunk) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO solana_prices (mint, price_time, price_usd, received_at)
         SELECT value ->> 0, value ->> 1, value ->> 2, ?2 FROM json_each(?1) WHERE true
         RETURNING mint, price_time`,
      )
      .bind(JSON.stringify(chunk.map((p) => [p.mint, p.time, p.price_usd])), now),
  );
}

/** Which of these transaction signatures have at least one stored transfer. */
export async function storedSignatures(db: D1Database, signatures: readonly string[]): Promise<Set<string>> {
  if (signatures.length === 0) return new Set();
  const { results } = await db
    .prepare(
      `SELECT DISTINCT signature FROM solana_transfers
       WHERE signature IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(signatures))
    .all<{ signature: string }>();
  return new Set(results.map((r) => r.signature));
}

/** A stored transfer with the price point it is valued at (the latest at or before it). */
export interface ScannedTransfer {
  id: number;
  signature: string;
  transfer_index: number;
  slot: number | null;
  block_time: number;
  from_wallet: string | null;
  to_wallet: string | null;
  amount: string;
  price_usd: string | null;
  price_time: number | null;
}

/**
 * A token's transfers after `afterId`, in arrival order, at most `limit`, each with its price
 * point (one index seek per transfer on the prices' primary key), and the rows D1 read for it.
 */
export async function transfersAfter(
  db: D1Database,
  mint: string,
  afterId: number,
  limit: number,
): Promise<{ rows: ScannedTransfer[]; rowsRead: number }> {
  const { results, meta } = await db
    .prepare(
      `SELECT t.id, t.signature, t.transfer_index, t.slot, t.block_time, t.from_wallet, t.to_wallet, t.amount,
              p.price_usd, p.price_time
       FROM solana_transfers t
       LEFT JOIN solana_prices p ON p.mint = t.mint AND p.price_time = (
         SELECT max(price_time) FROM solana_prices WHERE mint = t.mint AND price_time <= t.block_time)
       WHERE t.mint = ?1 AND t.id > ?2
       ORDER BY t.id LIMIT ?3`,
    )
    .bind(mint, afterId, limit)
    .all<ScannedTransfer>();
  return { rows: results, rowsRead: meta.rows_read ?? 0 };
}

/** One sender → receiver pair's transfers in a span (volumes as floats: for ratios only). */
export interface EdgeRow {
  from: string | null;
  to: string | null;
  transfers: number;
  volume: number;
}

/** The statement reading a token's wallet-to-wallet flows in [from, to), scanned transfers only. */
export function edgesStatement(
  db: D1Database,
  mint: string,
  span: { from: number; to: number },
  maxId: number,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT from_wallet AS "from", to_wallet AS "to", count(*) AS transfers, sum(CAST(amount AS REAL)) AS volume
       FROM solana_transfers
       WHERE mint = ?1 AND block_time >= ?2 AND block_time < ?3 AND id <= ?4
       GROUP BY from_wallet, to_wallet`,
    )
    .bind(mint, span.from, span.to, maxId);
}

/** Wallet counts and flows of a span. */
export interface WalletFlowSummary {
  unique_wallets: number;
  top10_flow: number;
  total_flow: number;
}

/** The statement reading wallet counts and the top-10 flow in [from, to), scanned transfers only. */
export function walletFlowStatement(
  db: D1Database,
  mint: string,
  span: { from: number; to: number },
  maxId: number,
): D1PreparedStatement {
  return db
    .prepare(
      `WITH t AS (
         SELECT from_wallet, to_wallet, CAST(amount AS REAL) AS a FROM solana_transfers
         WHERE mint = ?1 AND block_time >= ?2 AND block_time < ?3 AND id <= ?4),
       flows AS (
         SELECT from_wallet AS w, a FROM t WHERE from_wallet IS NOT NULL
         UNION ALL SELECT to_wallet, a FROM t WHERE to_wallet IS NOT NULL),
       per AS (SELECT w, sum(a) AS f FROM flows GROUP BY w)
       SELECT (SELECT count(*) FROM per) AS unique_wallets,
              coalesce((SELECT sum(f) FROM (SELECT f FROM per ORDER BY f DESC LIMIT 10)), 0) AS top10_flow,
              coalesce((SELECT sum(f) FROM per), 0) AS total_flow`,
    )
    .bind(mint, span.from, span.to, maxId);
}

/** A price point. */
export interface PricePoint {
  price_usd: string;
  price_time: number;
}

/** The latest price point of a mint at or before `time`. */
export function priceAtOrBeforeStatement(db: D1Database, mint: string, time: number): D1PreparedStatement {
  return db
    .prepare(
      `SELECT price_usd, price_time FROM solana_prices WHERE mint = ?1 AND price_time <= ?2
       ORDER BY price_time DESC LIMIT 1`,
    )
    .bind(mint, time);
}

/** The first price point of a mint after `time` (up to `until`). */
export function priceAfterStatement(db: D1Database, mint: string, time: number, until: number): D1PreparedStatement {
  return db
    .prepare(
      `SELECT price_usd, price_time FROM solana_prices WHERE mint = ?1 AND price_time > ?2 AND price_time <= ?3
       ORDER BY price_time LIMIT 1`,
    )
    .bind(mint, time, until);
}
