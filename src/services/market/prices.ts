/** The live price of a symbol: the hottest read of the service (portfolio prices positions with it). */
import { getConfig } from "../../config";
import { type PriceRow, readPrice } from "../../db/market-prices";
import { ApiError } from "../../errors";
import { cachedPrice, cachePrice } from "./price-cache";
import { refreshPrice } from "./pull";
import { unknownSymbol } from "./symbols";
import { toIso } from "./time";

/** A live price as `GET /market/price/{symbol}` returns it. */
export interface LatestPrice {
  symbol: string;
  price: string;
  timestamp: string;
  volume: string;
  exchange: string;
}

async function load(env: Env, symbol: string, now: number): Promise<PriceRow | null> {
  const cached = cachedPrice(symbol, now);
  if (cached !== undefined) return cached;
  const row = await readPrice(env.DB, symbol);
  cachePrice(symbol, row, now);
  return row;
}

/**
 * The latest price of `symbol`: the newest of its last trade, last candle close and last
 * upstream ticker. 404 `MARKET_001` for an unknown symbol (or one without any price yet). With
 * `MARKET_UPSTREAM_URL` set, a price older than `MARKET_PRICE_MAX_AGE_SECONDS` is refreshed from
 * the upstream first, and 502 `MARKET_002` is thrown when that fails (a stale price is never
 * passed off as live).
 * @example const { price } = await getLatestPrice(env, "BTC-USDT")
 */
export async function getLatestPrice(env: Env, symbol: string): Promise<LatestPrice> {
  const now = Date.now();
  let row = await load(env, symbol, now);
  if (!row) throw unknownSymbol(symbol);
  const config = getConfig(env);
  const maxAgeMs = config.MARKET_PRICE_MAX_AGE_SECONDS * 1000;
  if (config.MARKET_UPSTREAM_URL && (row.price_time === null || now - row.price_time > maxAgeMs)) {
    await refreshPrice(env, symbol, now);
    row = (await readPrice(env.DB, symbol)) ?? row;
    cachePrice(symbol, row, Date.now());
  }
  if (row.price === null || row.price_time === null || row.volume === null) {
    throw new ApiError("MARKET_001", `No price has been recorded for ${symbol} yet.`, {
      details: { symbol, reason: "no_price" },
    });
  }
  return {
    symbol: row.symbol,
    price: row.price,
    timestamp: toIso(row.price_time),
    volume: row.volume,
    exchange: row.exchange ?? row.symbol_exchange,
  };
}
