/**
 * A short in-isolate cache of live prices for the hottest read path. Writes through this
 * isolate drop their symbols at once; other isolates see a new price within `PRICE_CACHE_TTL_MS`
 * (API.md allows 5 s).
 */
import type { PriceRow } from "../../db/market-prices";

/** How long a cached read (including "unknown symbol") is served. */
export const PRICE_CACHE_TTL_MS = 1000;
// Bounded so a flood of made-up symbols cannot grow the isolate's memory.
const MAX_ENTRIES = 5000;

const entries = new Map<string, { row: PriceRow | null; expires: number }>();

/** The cached read of `symbol`, or undefined when absent or expired. */
export function cachedPrice(symbol: string, now: number): PriceRow | null | undefined {
  const entry = entries.get(symbol);
  if (!entry) return undefined;
  if (entry.expires <= now) {
    entries.delete(symbol);
    return undefined;
  }
  return entry.row;
}

/** Caches a read of `symbol` (null = unknown symbol). */
export function cachePrice(symbol: string, row: PriceRow | null, now: number): void {
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(symbol, { row, expires: now + PRICE_CACHE_TTL_MS });
}

/** Drops symbols whose price or existence just changed. */
export function forgetPrices(symbols: Iterable<string>): void {
  for (const symbol of symbols) entries.delete(symbol);
}
