/** The latest order book of a symbol, cut to a depth. */
import { readOrderbook } from "../../db/orderbooks";
import { ApiError } from "../../errors";
import { ensureKnownSymbol } from "./symbols";
import { toIso } from "./time";

/** An order book as `GET /market/orderbook/{symbol}` returns it. */
export interface OrderbookView {
  symbol: string;
  bids: [string, string][];
  asks: [string, string][];
  timestamp: string;
}

/**
 * The latest snapshot with `depth` levels per side (bids descending, asks ascending).
 * 404 `MARKET_001` for an unknown symbol, 404 `not_found` when no book was ever ingested.
 */
export async function getOrderbook(db: D1Database, symbol: string, depth: number): Promise<OrderbookView> {
  const book = await readOrderbook(db, symbol);
  if (!book) {
    await ensureKnownSymbol(db, symbol);
    throw new ApiError("not_found", `No order book has been recorded for ${symbol}.`, { details: { symbol } });
  }
  return {
    symbol: book.symbol,
    bids: book.bids.slice(0, depth),
    asks: book.asks.slice(0, depth),
    timestamp: toIso(book.snapshot_time),
  };
}
