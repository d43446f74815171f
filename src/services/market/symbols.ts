/** Market symbols (`BTC-USDT`): format, existence and listing. */
import { listSymbolRows, symbolExists } from "../../db/market-symbols";
import { ApiError } from "../../errors";
import { toIso } from "./time";

/** `BASE-QUOTE`, upper-case letters and digits (e.g. `BTC-USDT`, `1000PEPE-USDT`). */
export const SYMBOL_PATTERN = /^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/;

/** The symbol as an exchange without the dash writes it (`BTC-USDT` → `BTCUSDT`). */
export function exchangeSymbol(symbol: string): string {
  return symbol.replace("-", "");
}

/** Throws 404 `MARKET_001` unless the symbol exists (it exists from its first ingested data on). */
export async function ensureKnownSymbol(db: D1Database, symbol: string): Promise<void> {
  if (!(await symbolExists(db, symbol))) throw unknownSymbol(symbol);
}

/** The `MARKET_001` error for a symbol. */
export function unknownSymbol(symbol: string): ApiError {
  return new ApiError("MARKET_001", `Unknown symbol ${symbol}.`, { details: { symbol } });
}

/** A symbol as `GET /market/symbols` lists it. */
export interface SymbolInfo {
  symbol: string;
  base: string;
  quote: string;
  exchange: string;
  last_price: string | null;
  updated_at: string | null;
}

/**
 * One page of known symbols in alphabetical order; the cursor is the last symbol of the page.
 * @example const { symbols, next_cursor } = await listSymbols(env.DB, { limit: 100 })
 */
export async function listSymbols(
  db: D1Database,
  options: { limit: number; cursor?: string },
): Promise<{ symbols: SymbolInfo[]; next_cursor: string | null }> {
  const after = options.cursor === undefined ? undefined : decodeSymbolCursor(options.cursor);
  const rows = await listSymbolRows(db, { after, limit: options.limit + 1 });
  const page = rows.slice(0, options.limit);
  const symbols = page.map((row) => ({
    symbol: row.symbol,
    base: row.base,
    quote: row.quote,
    exchange: row.price_exchange ?? row.exchange,
    last_price: row.price,
    updated_at: row.price_time === null ? null : toIso(row.price_time),
  }));
  const last = page[page.length - 1];
  return { symbols, next_cursor: rows.length > options.limit && last ? encodeSymbolCursor(last.symbol) : null };
}

function encodeSymbolCursor(symbol: string): string {
  return btoa(`s:${symbol}`).replace(/=+$/, "");
}

function decodeSymbolCursor(cursor: string): string {
  let decoded = "";
  try {
    decoded = atob(cursor);
  } catch {
    // reported below
  }
  const symbol = decoded.startsWith("s:") ? decoded.slice(2) : "";
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new ApiError("validation_error", "query.cursor: not a cursor of this list.", {
      details: { issues: [{ path: "query.cursor", message: "not a cursor of this list" }] },
    });
  }
  return symbol;
}
