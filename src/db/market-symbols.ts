/** SQL for `market_symbols` (with each symbol's live price for listings). */

/** A symbol with its live price, if any. */
export interface SymbolRow {
  symbol: string;
  base: string;
  quote: string;
  exchange: string;
  price: string | null;
  price_time: number | null;
  price_exchange: string | null;
}

/** A page of symbols in alphabetical order, after `after` (exclusive). */
export async function listSymbolRows(db: D1Database, options: { after?: string; limit: number }): Promise<SymbolRow[]> {
  const { results } = await db
    .prepare(
      `SELECT s.symbol, s.base, s.quote, s.exchange, p.price, p.price_time, p.exchange AS price_exchange
       FROM market_symbols s LEFT JOIN market_prices p ON p.symbol = s.symbol
       WHERE s.symbol > ?1 ORDER BY s.symbol LIMIT ?2`,
    )
    .bind(options.after ?? "", options.limit)
    .all<SymbolRow>();
  return results;
}

/** True when the symbol has been created by ingested data. */
export async function symbolExists(db: D1Database, symbol: string): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS ok FROM market_symbols WHERE symbol = ?1").bind(symbol).first();
  return row !== null;
}

/** Which of these symbols exist, in one query (WebSocket subscriptions check a list at once). */
export async function existingSymbols(db: D1Database, symbols: readonly string[]): Promise<Set<string>> {
  if (symbols.length === 0) return new Set();
  const { results } = await db
    .prepare("SELECT symbol FROM market_symbols WHERE symbol IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(symbols))
    .all<{ symbol: string }>();
  return new Set(results.map((row) => row.symbol));
}

/** Symbols for the upstream pull: never pulled first, then the longest ago. */
export async function symbolsDueForPull(db: D1Database, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT symbol FROM market_symbols ORDER BY upstream_pulled_at, symbol LIMIT ?1")
    .bind(limit)
    .all<{ symbol: string }>();
  return results.map((row) => row.symbol);
}

/** Records that the upstream pull visited these symbols (successfully or not), for rotation. */
export async function markPulled(db: D1Database, symbols: readonly string[], now: number): Promise<void> {
  if (symbols.length === 0) return;
  await db
    .prepare("UPDATE market_symbols SET upstream_pulled_at = ?2 WHERE symbol IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(symbols), now)
    .run();
}

/** Creates the symbols that do not exist yet (base and quote from `BASE-QUOTE`); existing ones are kept. */
export function insertSymbolsStatement(
  db: D1Database,
  symbols: readonly string[],
  exchange: string,
  now: number,
): D1PreparedStatement {
  const tuples = symbols.map((symbol) => {
    const [base, quote] = symbol.split("-");
    return [symbol, base, quote];
  });
  return db
    .prepare(
      `INSERT INTO market_symbols (symbol, base, quote, exchange, created_at)
       SELECT value ->> 0, value ->> 1, value ->> 2, ?2, ?3 FROM json_each(?1) WHERE true
       ON CONFLICT (symbol) DO NOTHING`,
    )
    .bind(JSON.stringify(tuples), exchange, now);
}
