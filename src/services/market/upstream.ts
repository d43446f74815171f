/**
 * Client of a Binance-compatible REST API (`/api/v3/klines`, `/api/v3/ticker/price`). Every
 * failure (network, timeout, non-2xx, malformed body) becomes `MARKET_002`; the messages name
 * the endpoint and status, never the base URL (which may carry credentials).
 */
import { ApiError } from "../../errors";
import { NO_REDIRECTS, readJsonCapped, UpstreamBodyError } from "../../lib/upstream-http";
import { DECIMAL_PATTERN, isZeroDecimal } from "./decimal";
import type { Interval } from "./intervals";
import { exchangeSymbol } from "./symbols";
import { toIso } from "./time";

/** Longest wait for one upstream answer. */
export const UPSTREAM_TIMEOUT_MS = 5000;
/** Most klines the upstream returns per request (Binance's maximum). */
export const KLINES_PAGE = 1000;

function upstreamError(what: string, details: Record<string, unknown> = {}): ApiError {
  return new ApiError("MARKET_002", `The upstream exchange could not be reached (${what}).`, { details });
}

async function getJson(baseUrl: string, path: string, params: Record<string, string>): Promise<unknown> {
  const url = new URL(`${baseUrl}${path}`);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  let res: Response;
  try {
    res = await fetch(url.toString(), {
      ...NO_REDIRECTS,
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
  } catch (err) {
    const timeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    throw upstreamError(`${path}: ${timeout ? "timed out" : "network error"}`, { endpoint: path });
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw upstreamError(`${path} answered ${res.status}`, { endpoint: path, upstream_status: res.status });
  }
  try {
    return await readJsonCapped(res);
  } catch (err) {
    const tooLarge = err instanceof UpstreamBodyError && err.reason === "too_large";
    throw upstreamError(`${path}: ${tooLarge ? "body over the size cap" : "body is not JSON"}`, { endpoint: path });
  }
}

/** A kline turned into an ingest candle item (validated by the caller like any ingested candle). */
export interface KlineItem {
  symbol: string;
  interval: Interval;
  timestamp: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/**
 * Klines of `symbol` from `startTime` (inclusive, epoch ms) on, or the latest `limit` without it.
 * Rows that are not `[openTime, open, high, low, close, volume, ...]` are dropped here; values
 * are checked later with the ingest rules.
 */
export async function fetchKlines(
  baseUrl: string,
  symbol: string,
  interval: Interval,
  options: { startTime?: number; limit: number },
): Promise<KlineItem[]> {
  const params: Record<string, string> = { symbol: exchangeSymbol(symbol), interval, limit: String(options.limit) };
  if (options.startTime !== undefined) params.startTime = String(options.startTime);
  const body = await getJson(baseUrl, "/api/v3/klines", params);
  if (!Array.isArray(body)) throw upstreamError("/api/v3/klines: unexpected body", { endpoint: "/api/v3/klines" });
  const items: KlineItem[] = [];
  for (const row of body) {
    if (!Array.isArray(row) || row.length < 6 || !Number.isSafeInteger(row[0])) continue;
    const [openTime, open, high, low, close, volume] = row as [number, unknown, unknown, unknown, unknown, unknown];
    if (![open, high, low, close, volume].every((v) => typeof v === "string")) continue;
    items.push({
      symbol,
      interval,
      timestamp: toIso(openTime),
      open: open as string,
      high: high as string,
      low: low as string,
      close: close as string,
      volume: volume as string,
    });
  }
  return items;
}

/** The upstream's last price of `symbol` as a decimal string. */
export async function fetchTickerPrice(baseUrl: string, symbol: string): Promise<string> {
  const body = (await getJson(baseUrl, "/api/v3/ticker/price", { symbol: exchangeSymbol(symbol) })) as {
    price?: unknown;
  } | null;
  const price = body?.price;
  if (typeof price !== "string" || !DECIMAL_PATTERN.test(price) || isZeroDecimal(price)) {
    throw upstreamError("/api/v3/ticker/price: no valid price", { endpoint: "/api/v3/ticker/price" });
  }
  return price;
}
