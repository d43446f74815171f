/** SQL for `market_candles`: every query is a range on the primary key (symbol, interval, open_time). */
import type { Interval, Ohlcv } from "../services/market/intervals";

/** A stored candle, as other capabilities (analysis) read it. */
export interface StoredCandle extends Ohlcv {
  symbol: string;
  interval: Interval;
}

/** A candle to write: the stored fields plus the exchange it came from. */
export interface CandleWrite extends Ohlcv {
  symbol: string;
  interval: Interval;
}

type Order = "asc" | "desc";

const COLUMNS = "open_time, open, high, low, close, volume";
// Far enough in the future for any open bound, small enough for SQLite's 64-bit integers.
const MAX_TIME = 253_402_300_799_999;

/**
 * Stored candles of one symbol and interval (no aggregation), `open_time` in [start, end]
 * (epoch ms, inclusive), in `order`, at most `limit` rows.
 * @example await listCandles(env.DB, { symbol: "BTC-USDT", interval: "1d", limit: 366, order: "desc" })
 */
export async function listCandles(
  db: D1Database,
  options: { symbol: string; interval: Interval; start?: number; end?: number; limit: number; order: Order },
): Promise<StoredCandle[]> {
  const rows = await scanCandles(db, {
    symbol: options.symbol,
    interval: options.interval,
    from: options.start ?? 0,
    to: options.end ?? MAX_TIME,
    limit: options.limit,
    order: options.order,
  });
  return rows.map((row) => ({ symbol: options.symbol, interval: options.interval, ...row }));
}

/** What `scanCandles` reads. */
export interface ScanOptions {
  symbol: string;
  interval: Interval;
  from: number;
  to: number;
  limit: number;
  order: Order;
  skipBucketsOf?: { size: number; intervals: readonly Interval[] };
}

/**
 * Candles of one interval with `open_time` in [from, to], in `order`. With `skipBucketsOf`,
 * rows whose `size`-ms bucket already holds a candle of one of `intervals` are left out (those
 * buckets are served from the coarser candles).
 */
export async function scanCandles(db: D1Database, options: ScanOptions): Promise<Ohlcv[]> {
  const { results } = await scanCandlesStatement(db, options).all<Ohlcv>();
  return results;
}

/** The statement of `scanCandles`, for a batch. */
export function scanCandlesStatement(db: D1Database, options: ScanOptions): D1PreparedStatement {
  const direction = options.order === "desc" ? "DESC" : "ASC";
  const params: unknown[] = [options.symbol, options.interval, options.from, options.to, options.limit];
  let skip = "";
  const skipped = options.skipBucketsOf;
  if (skipped && skipped.intervals.length > 0) {
    params.push(skipped.size, JSON.stringify(skipped.intervals));
    // The bucket of c is [c.open_time - c.open_time % size, that + size).
    skip = `AND NOT EXISTS (
      SELECT 1 FROM market_candles p
      WHERE p.symbol = ?1 AND p.interval IN (SELECT value FROM json_each(?7))
        AND p.open_time >= c.open_time - (c.open_time % ?6)
        AND p.open_time < c.open_time - (c.open_time % ?6) + ?6)`;
  }
  return db
    .prepare(
      `SELECT ${COLUMNS} FROM market_candles c
       WHERE c.symbol = ?1 AND c.interval = ?2 AND c.open_time >= ?3 AND c.open_time <= ?4 ${skip}
       ORDER BY c.open_time ${direction} LIMIT ?5`,
    )
    .bind(...params);
}

/** Which of `intervals` have at least one candle with `open_time` in [from, to] (one index probe each). */
export function intervalsWithCandlesStatement(
  db: D1Database,
  symbol: string,
  intervals: readonly Interval[],
  from: number,
  to: number,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT value AS interval FROM json_each(?2) WHERE EXISTS (
         SELECT 1 FROM market_candles
         WHERE symbol = ?1 AND interval = value AND open_time >= ?3 AND open_time <= ?4)`,
    )
    .bind(symbol, JSON.stringify(intervals), from, to);
}

/** Open time of the newest stored candle of one symbol and interval, or null. */
export async function latestCandleTime(db: D1Database, symbol: string, interval: Interval): Promise<number | null> {
  const row = await db
    .prepare("SELECT max(open_time) AS t FROM market_candles WHERE symbol = ?1 AND interval = ?2")
    .bind(symbol, interval)
    .first<{ t: number | null }>();
  return row?.t ?? null;
}

/**
 * One statement that inserts or replaces many candles, passed as one JSON parameter (D1 allows
 * only 100 bound parameters per statement). Later duplicates in `rows` win.
 */
export function upsertCandlesStatement(
  db: D1Database,
  rows: readonly CandleWrite[],
  exchange: string,
  now: number,
): D1PreparedStatement {
  const tuples = rows.map((r) => [r.symbol, r.interval, r.open_time, r.open, r.high, r.low, r.close, r.volume]);
  return db
    .prepare(
      `INSERT INTO market_candles (symbol, interval, open_time, open, high, low, close, volume, exchange, updated_at)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, ?2, ?3
       FROM json_each(?1) WHERE true
       ON CONFLICT (symbol, interval, open_time) DO UPDATE SET
         open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
         volume = excluded.volume, exchange = excluded.exchange, updated_at = excluded.updated_at`,
    )
    .bind(JSON.stringify(tuples), exchange, now);
}
