/**
 * Upstream pull (when `MARKET_UPSTREAM_URL` is set): the cron brings candles and last prices of
 * the known symbols up to date, resuming each (symbol, interval) from its newest stored candle;
 * the price read refreshes a stale price on demand. Upstream failures never delete or
 * overwrite stored data: nothing is written unless the upstream answered well.
 */
import { getConfig } from "../../config";
import { latestCandleTime } from "../../db/candles";
import { markPulled, symbolsDueForPull } from "../../db/market-symbols";
import { ApiError } from "../../errors";
import { logger } from "../../lib/log";
import { type MarketUpdates, writeMarketData } from "./ingest";
import { fetchKlines, fetchTickerPrice, KLINES_PAGE } from "./upstream";
import { checkCandle } from "./validate";

/** Upstream requests per cron run: below the 50 subrequests of a Workers Free invocation. */
export const MAX_REQUESTS_PER_RUN = 45;
/** Kline pages per (symbol, interval) and run, so one long catch-up cannot starve the others. */
export const MAX_PAGES_PER_SERIES = 3;
/** After an on-demand refresh fails, the symbol answers `MARKET_002` without asking again for this long. */
export const REFRESH_BACKOFF_MS = 5000;

/** What one cron run did. */
export interface PullReport {
  symbols: number;
  candles: number;
  rejected: number;
  tickers: number;
  failures: number;
}

/**
 * Pulls candles and last prices for the symbols pulled longest ago, within the request budget.
 * Each page is written in its own batch, so a failure later in the run keeps earlier progress.
 * @example await pullUpstream(env, (u) => publishMarket(env, u))
 */
export async function pullUpstream(
  env: Env,
  publish: (updates: MarketUpdates) => Promise<void>,
  now = Date.now(),
): Promise<PullReport | null> {
  const config = getConfig(env);
  const baseUrl = config.MARKET_UPSTREAM_URL;
  if (!baseUrl) return null;
  const intervals = config.MARKET_UPSTREAM_INTERVALS;
  const exchange = config.MARKET_UPSTREAM_EXCHANGE;
  const report: PullReport = { symbols: 0, candles: 0, rejected: 0, tickers: 0, failures: 0 };
  let budget = MAX_REQUESTS_PER_RUN;
  const visited: string[] = [];

  for (const symbol of await symbolsDueForPull(env.DB, MAX_REQUESTS_PER_RUN)) {
    if (budget < intervals.length + 1) break;
    visited.push(symbol);
    report.symbols++;
    try {
      for (const [i, interval] of intervals.entries()) {
        // Keep one request for each remaining interval and one for the ticker.
        const reserve = intervals.length - i;
        let startTime = (await latestCandleTime(env.DB, symbol, interval)) ?? undefined;
        for (let page = 0; page < MAX_PAGES_PER_SERIES && (page === 0 || budget > reserve); page++) {
          budget--;
          const klines = await fetchKlines(baseUrl, symbol, interval, { startTime, limit: KLINES_PAGE });
          const candles = [];
          for (const kline of klines) {
            const checked = checkCandle(kline, now);
            if (checked.ok) candles.push(checked.value);
            else report.rejected++;
          }
          if (candles.length > 0) {
            await publish(
              await writeMarketData(env.DB, { exchange, candles, trades: [], tickers: [], orderbooks: [] }, now),
            );
            report.candles += candles.length;
          }
          const newest = candles.reduce((max, c) => Math.max(max, c.open_time), -1);
          // A short page means we are caught up; a page that does not advance would loop.
          if (klines.length < KLINES_PAGE || newest <= (startTime ?? -1)) break;
          startTime = newest;
        }
      }
      budget--;
      const price = await fetchTickerPrice(baseUrl, symbol);
      await publish(await writeTicker(env.DB, exchange, symbol, price, now));
      report.tickers++;
    } catch (err) {
      report.failures++;
      logger.warn("market_pull_failed", {
        symbol,
        code: err instanceof ApiError ? err.code : "internal_error",
        error: err instanceof Error ? err.message : String(err),
        details: err instanceof ApiError ? err.details : {},
      });
    }
  }
  await markPulled(env.DB, visited, now);
  return report;
}

function writeTicker(db: D1Database, exchange: string, symbol: string, price: string, now: number) {
  return writeMarketData(
    db,
    { exchange, candles: [], trades: [], orderbooks: [], tickers: [{ symbol, price, time: now }] },
    now,
  );
}

const backoffUntil = new Map<string, number>();

/**
 * Fetches and stores the upstream's last price of `symbol` now. Each caller fetches for itself
 * (never awaiting another request's fetch: src/lib/wait.ts); the every-minute pull keeps this
 * rare. Throws `MARKET_002` when the upstream fails, and for `REFRESH_BACKOFF_MS`
 * after a failure, without touching stored data.
 */
export async function refreshPrice(env: Env, symbol: string, now = Date.now()): Promise<MarketUpdates> {
  const config = getConfig(env);
  const baseUrl = config.MARKET_UPSTREAM_URL;
  if (!baseUrl) throw new ApiError("MARKET_002", "No upstream exchange is configured.");
  if ((backoffUntil.get(symbol) ?? 0) > now) {
    throw new ApiError("MARKET_002", "The upstream exchange failed moments ago; retry shortly.", {
      details: { retry_after_ms: (backoffUntil.get(symbol) ?? now) - now },
    });
  }
  let price: string;
  try {
    price = await fetchTickerPrice(baseUrl, symbol);
  } catch (err) {
    if (backoffUntil.size > 5000) backoffUntil.clear();
    backoffUntil.set(symbol, Date.now() + REFRESH_BACKOFF_MS);
    throw err;
  }
  return writeTicker(env.DB, config.MARKET_UPSTREAM_EXCHANGE, symbol, price, Date.now());
}
