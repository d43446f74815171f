/**
 * `GET /analysis/risk/{symbol}`: risk metrics from the stored daily candles, computed on request
 * (sorting a few hundred returns is cheap; reading them is what costs) and cached per isolate
 * under the newest daily candle, so repeated reads cost one primary-key probe.
 */

import type { SeriesStamp } from "../../db/analysis-models";
import { seriesStampStatement, symbolExistsStatement } from "../../db/analysis-models";
import { listCandles } from "../../db/candles";
import { TtlCache } from "../../lib/ttl-cache";
import { INTERVAL_MS } from "../market/intervals";
import { unknownSymbol } from "../market/symbols";
import { toIso } from "../market/time";
import { computeRisk, formatRisk, insufficientHistory, type RiskStrings } from "./risk";

/** The response of the risk route (API.md "Analysis"). */
export interface RiskReport extends RiskStrings {
  symbol: string;
  confidence: number;
  window: number;
  method: "historical";
  timestamp: string;
}

/**
 * How long a cached report is served. The key holds the newest candle's open and update times,
 * so a new or re-ingested latest candle is seen at once; this bounds how long a correction to
 * an older candle of the window can go unseen.
 */
export const RISK_CACHE_TTL_MS = 60_000;
const cache = new TtlCache<string, { strings: RiskStrings; latestOpen: number }>({
  ttlMs: RISK_CACHE_TTL_MS,
  maxEntries: 2000,
});

/**
 * Historical VaR, expected shortfall and volatility of one unit of `symbol` at its latest daily
 * close. 404 `MARKET_001` for an unknown symbol, 422 `insufficient_history` with fewer than
 * `window` + 1 daily candles.
 */
export async function riskReport(
  db: D1Database,
  query: { symbol: string; window: number; confidence: number },
  now = Date.now(),
): Promise<RiskReport> {
  const { symbol, window, confidence } = query;
  const [exists, newest] = await db.batch<unknown>([
    symbolExistsStatement(db, symbol),
    seriesStampStatement(db, symbol, "1d"),
  ]);
  if (!exists?.results.length) throw unknownSymbol(symbol);
  const latest = newest?.results[0] as SeriesStamp | undefined;
  if (!latest) throw insufficientHistory(window, 0);

  const key = `${symbol}|${window}|${confidence}|${latest.open_time}|${latest.updated_at}`;
  let entry = cache.get(key, now);
  if (!entry) {
    const rows = await listCandles(db, {
      symbol,
      interval: "1d",
      end: latest.open_time,
      limit: window + 1,
      order: "desc",
    });
    const closes = rows.reverse().map((row) => Number(row.close));
    entry = { strings: formatRisk(computeRisk(closes, window, confidence)), latestOpen: latest.open_time };
    cache.set(key, entry, now);
  }
  return {
    symbol,
    ...entry.strings,
    confidence,
    window,
    method: "historical",
    // The latest close is the price at the end of its candle (or now, while the day runs).
    timestamp: toIso(Math.min(entry.latestOpen + INTERVAL_MS["1d"], now)),
  };
}

/** Forgets cached reports (tests). */
export function clearRiskCache(): void {
  cache.clear();
}
