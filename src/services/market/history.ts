/**
 * Candle history: stored candles of the requested interval, and for buckets that have none,
 * candles aggregated from the coarsest finer interval that has data (UTC-aligned buckets).
 * Reads are bounded: at most `MAX_ROWS_PER_SOURCE` finer rows per interval and request.
 */
import { z } from "@hono/zod-openapi";
import { intervalsWithCandlesStatement, scanCandles, scanCandlesStatement } from "../../db/candles";
import { ApiError } from "../../errors";
import {
  aggregateBucket,
  bucketCeil,
  bucketStart,
  FINER_INTERVALS,
  INTERVAL_MS,
  type Interval,
  type Ohlcv,
} from "./intervals";
import { ensureKnownSymbol } from "./symbols";
import { toIso } from "./time";

const CHUNK_ROWS = 5000;
/** Finer rows read per interval and request; a page stops early (with a cursor) beyond it. */
export const MAX_ROWS_PER_SOURCE = 10_000;
// 9999-12-31T23:59:59.999Z: later than any real candle, within SQLite's integers.
const MAX_TIME = 253_402_300_799_999;

/** A candle as the history endpoint returns it. */
export interface HistoryCandle {
  timestamp: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** One page of history, oldest first. */
export interface HistoryPage {
  symbol: string;
  interval: Interval;
  data: HistoryCandle[];
  next_cursor: string | null;
}

type Order = "asc" | "desc";

/** Bucket open times [lo, hi] (inclusive), read from `lo` upwards (asc) or from `hi` down (desc). */
interface Window {
  lo: number;
  hi: number;
  order: Order;
}

const CursorSchema = z.object({
  v: z.literal(1),
  s: z.string(),
  i: z.string(),
  o: z.enum(["asc", "desc"]),
  lo: z.number().int().min(0).max(MAX_TIME),
  hi: z.number().int().min(0).max(MAX_TIME),
});

function badCursor(): ApiError {
  return new ApiError("validation_error", "query.cursor: not a cursor of this symbol and interval.", {
    details: { issues: [{ path: "query.cursor", message: "not a cursor of this symbol and interval" }] },
  });
}

function encodeCursor(symbol: string, interval: Interval, w: Window): string {
  const json = JSON.stringify({ v: 1, s: symbol, i: interval, o: w.order, lo: w.lo, hi: w.hi });
  return btoa(json).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string, symbol: string, interval: Interval): Window {
  let value: unknown;
  try {
    value = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    throw badCursor();
  }
  const parsed = CursorSchema.safeParse(value);
  if (!parsed.success || parsed.data.s !== symbol || parsed.data.i !== interval) throw badCursor();
  return { lo: parsed.data.lo, hi: parsed.data.hi, order: parsed.data.o };
}

/**
 * A page of candles of `symbol` at `interval`, oldest first. With `start`, the first `limit`
 * candles from `start` on; without it, the latest `limit` candles up to `end` (and the cursor
 * leads to older ones). `start` and `end` are epoch ms, inclusive, on candle open times.
 * @example await getHistory(env.DB, { symbol: "BTC-USDT", interval: "1d", limit: 30 })
 */
export async function getHistory(
  db: D1Database,
  query: { symbol: string; interval: Interval; start?: number; end?: number; limit: number; cursor?: string },
): Promise<HistoryPage> {
  const { symbol, interval, limit } = query;
  const window: Window = query.cursor
    ? decodeCursor(query.cursor, symbol, interval)
    : {
        lo: query.start === undefined ? 0 : bucketCeil(clamp(query.start), interval),
        hi: bucketStart(clamp(query.end ?? MAX_TIME), interval),
        order: query.start === undefined ? "desc" : "asc",
      };
  const { buckets, more } =
    window.lo > window.hi ? { buckets: [], more: false } : await collect(db, symbol, interval, window, limit);
  // Candles prove the symbol exists; only an empty page needs to tell "unknown" from "no data".
  if (buckets.length === 0) await ensureKnownSymbol(db, symbol);
  const page = buckets.slice(0, limit);
  const last = page[page.length - 1];
  let next_cursor: string | null = null;
  if (more && last) {
    const size = INTERVAL_MS[interval];
    const next =
      window.order === "asc" ? { ...window, lo: last.open_time + size } : { ...window, hi: last.open_time - size };
    if (next.lo <= next.hi) next_cursor = encodeCursor(symbol, interval, next);
  }
  if (window.order === "desc") page.reverse();
  const data = page.map((c) => ({
    timestamp: toIso(c.open_time),
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
  }));
  return { symbol, interval, data, next_cursor };
}

/**
 * The first `limit` buckets of the window in scan order (plus one, to know whether more exist).
 * Each bucket comes from the first source (the interval itself, then finer ones, coarsest
 * first) that has rows in it; finer sources never re-read buckets an earlier source holds.
 */
async function collect(
  db: D1Database,
  symbol: string,
  interval: Interval,
  w: Window,
  limit: number,
): Promise<{ buckets: Ohlcv[]; more: boolean }> {
  const size = INTERVAL_MS[interval];
  const want = limit + 1;
  const asc = w.order === "asc";
  const found = new Map<number, Ohlcv>();
  // The last bucket (in scan order) that can still be part of the answer.
  let edge = asc ? w.hi : w.lo;
  let truncated = false;
  // One round trip for the common case: the interval's own candles, and which finer intervals
  // have any data in the window at all (the others need no scan).
  const own = { symbol, interval, from: w.lo, to: w.hi + size - 1, limit: want, order: w.order };
  const finer = FINER_INTERVALS[interval];
  const [first, present] = await db.batch<Ohlcv | { interval: Interval }>([
    scanCandlesStatement(db, own),
    intervalsWithCandlesStatement(db, symbol, finer, own.from, own.to),
  ]);
  const withData = new Set(((present?.results ?? []) as Array<{ interval: Interval }>).map((r) => r.interval));
  const sources: Interval[] = [interval, ...finer.filter((i) => withData.has(i))];
  let prefetched: Ohlcv[] | undefined = (first?.results ?? []) as Ohlcv[];

  for (const [k, source] of sources.entries()) {
    let from = asc ? w.lo : edge;
    let to = (asc ? edge : w.hi) + size - 1;
    if (from > to) break;
    let budget = k === 0 ? want : MAX_ROWS_PER_SOURCE;
    let current: { bucket: number; rows: Ohlcv[] } | null = null;
    let completed = 0;
    let cutAt: number | null = null;
    const finish = () => {
      if (!current) return;
      // A stored candle of the interval itself is returned exactly as stored.
      found.set(current.bucket, k === 0 ? (current.rows[0] as Ohlcv) : aggregateBucket(current.rows, current.bucket));
      completed++;
      current = null;
    };
    scan: while (budget > 0) {
      const chunk = Math.min(CHUNK_ROWS, budget);
      const rows =
        prefetched ??
        (await scanCandles(db, {
          symbol,
          interval: source,
          from,
          to,
          limit: chunk,
          order: w.order,
          skipBucketsOf: k === 0 ? undefined : { size, intervals: sources.slice(0, k) },
        }));
      prefetched = undefined;
      budget -= rows.length;
      for (const row of rows) {
        const bucket = bucketStart(row.open_time, interval);
        if (current && current.bucket !== bucket) {
          finish();
          if (completed >= want) break scan;
        }
        if (!current) current = { bucket, rows: [] };
        current.rows.push(row);
      }
      const lastRow = rows[rows.length - 1];
      if (rows.length < chunk || !lastRow) {
        finish();
        break;
      }
      if (budget === 0) {
        // Out of budget inside a bucket that may have more rows: leave it and everything after.
        if (k > 0 && current) cutAt = (current as { bucket: number }).bucket;
        else finish();
        break;
      }
      if (asc) from = lastRow.open_time + 1;
      else to = lastRow.open_time - 1;
    }
    if (cutAt !== null) {
      truncated = true;
      edge = asc ? Math.min(edge, cutAt - size) : Math.max(edge, cutAt + size);
    }
    const keys = sortedKeys(found, asc).filter((b) => (asc ? b <= edge : b >= edge));
    const kth = keys[want - 1];
    if (kth !== undefined) edge = asc ? Math.min(edge, kth) : Math.max(edge, kth);
  }

  const keys = sortedKeys(found, asc).filter((b) => (asc ? b <= edge : b >= edge));
  return { buckets: keys.map((b) => found.get(b) as Ohlcv), more: truncated || keys.length > limit };
}

// Candles live between 1970 and 9999; bounds outside are the same as the edges.
function clamp(time: number): number {
  return Math.min(Math.max(time, 0), MAX_TIME);
}

function sortedKeys(found: Map<number, Ohlcv>, asc: boolean): number[] {
  return [...found.keys()].sort((a, b) => (asc ? a - b : b - a));
}
