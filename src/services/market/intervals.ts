/**
 * Candle intervals and their aggregation, with no I/O: every coarser interval is a whole
 * multiple of each finer one, and buckets are aligned to UTC boundaries (epoch multiples).
 */
import { maxDecimal, minDecimal, sumDecimals } from "./decimal";

/** Intervals the API serves (API.md "Market data"). */
export const INTERVALS = ["1m", "5m", "1h", "1d"] as const;
export type Interval = (typeof INTERVALS)[number];

/** Length of each interval in milliseconds. */
export const INTERVAL_MS: Record<Interval, number> = {
  "1m": 60_000,
  "5m": 300_000,
  "1h": 3_600_000,
  "1d": 86_400_000,
};

/** The intervals an interval can be aggregated from, coarsest first (fewest rows to read). */
export const FINER_INTERVALS: Record<Interval, readonly Interval[]> = {
  "1m": [],
  "5m": ["1m"],
  "1h": ["5m", "1m"],
  "1d": ["1h", "5m", "1m"],
};

/** One OHLCV candle: `open_time` in epoch ms (UTC start of the candle), values as decimal strings. */
export interface Ohlcv {
  open_time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** True when `value` names a supported interval. */
export function isInterval(value: string): value is Interval {
  return (INTERVALS as readonly string[]).includes(value);
}

/** Start of the UTC-aligned bucket of `interval` that holds `time` (epoch ms, non-negative). */
export function bucketStart(time: number, interval: Interval): number {
  const size = INTERVAL_MS[interval];
  return time - (time % size);
}

/** First bucket start at or after `time`. */
export function bucketCeil(time: number, interval: Interval): number {
  const start = bucketStart(time, interval);
  return start === time ? start : start + INTERVAL_MS[interval];
}

/**
 * Aggregates the finer candles of one bucket: open = first open, close = last close,
 * high = max, low = min, volume = exact sum. Rows may come in any order.
 * @example aggregateBucket(hourlyCandlesOfOneDay, dayStart)
 */
export function aggregateBucket(rows: readonly Ohlcv[], openTime: number): Ohlcv {
  if (rows.length === 0) throw new RangeError("cannot aggregate an empty bucket");
  const sorted = [...rows].sort((a, b) => a.open_time - b.open_time);
  const first = sorted[0] as Ohlcv;
  const last = sorted[sorted.length - 1] as Ohlcv;
  let high = first.high;
  let low = first.low;
  for (const row of sorted) {
    high = maxDecimal(high, row.high);
    low = minDecimal(low, row.low);
  }
  return {
    open_time: openTime,
    open: first.open,
    high,
    low,
    close: last.close,
    volume: sumDecimals(sorted.map((row) => row.volume)),
  };
}

/**
 * Aggregates candles of a finer interval into `interval` buckets, oldest first.
 * @example aggregateCandles(hourly, "1d")
 */
export function aggregateCandles(rows: readonly Ohlcv[], interval: Interval): Ohlcv[] {
  const buckets = new Map<number, Ohlcv[]>();
  for (const row of rows) {
    const start = bucketStart(row.open_time, interval);
    const bucket = buckets.get(start);
    if (bucket) bucket.push(row);
    else buckets.set(start, [row]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([start, bucket]) => aggregateBucket(bucket, start));
}
