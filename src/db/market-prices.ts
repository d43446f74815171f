/** SQL for `market_prices`: one live price per symbol, which only moves forward in time. */

export type PriceSource = "trade" | "candle" | "ticker";

/** A price update; `volume` null keeps the stored volume (an upstream ticker carries none). */
export interface PriceWrite {
  symbol: string;
  price: string;
  volume: string | null;
  price_time: number;
  source: PriceSource;
}

/** What the price endpoint reads: the symbol (if known) and its live price (if any). */
export interface PriceRow {
  symbol: string;
  symbol_exchange: string;
  price: string | null;
  volume: string | null;
  price_time: number | null;
  exchange: string | null;
}

/** The symbol and its live price in one read; null when the symbol is unknown. */
export async function readPrice(db: D1Database, symbol: string): Promise<PriceRow | null> {
  return db
    .prepare(
      `SELECT s.symbol, s.exchange AS symbol_exchange, p.price, p.volume, p.price_time, p.exchange
       FROM market_symbols s LEFT JOIN market_prices p ON p.symbol = s.symbol WHERE s.symbol = ?1`,
    )
    .bind(symbol)
    .first<PriceRow>();
}

/**
 * Writes price updates (one per symbol), each only if it is not older than the stored price,
 * so back-filled history never moves a live price backwards.
 */
export function upsertPricesStatement(
  db: D1Database,
  updates: readonly PriceWrite[],
  exchange: string,
  now: number,
): D1PreparedStatement {
  const tuples = updates.map((u) => [u.symbol, u.price, u.volume, u.price_time, u.source]);
  return db
    .prepare(
      `INSERT INTO market_prices (symbol, price, volume, price_time, source, exchange, updated_at)
       SELECT value ->> 0, value ->> 1, coalesce(value ->> 2, '0'), value ->> 3, value ->> 4, ?2, ?3
       FROM json_each(?1) WHERE true
       ON CONFLICT (symbol) DO UPDATE SET
         price = excluded.price,
         volume = CASE WHEN excluded.source = 'ticker' THEN market_prices.volume ELSE excluded.volume END,
         price_time = excluded.price_time, source = excluded.source, exchange = excluded.exchange,
         updated_at = excluded.updated_at
       WHERE excluded.price_time >= market_prices.price_time`,
    )
    .bind(JSON.stringify(tuples), exchange, now);
}

/** Reads back the live prices of some symbols (after a write, to see which updates won). */
export function selectPricesStatement(db: D1Database, symbols: readonly string[]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT symbol, price, volume, price_time FROM market_prices
       WHERE symbol IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(symbols));
}
