/**
 * Market data ingestion: validates items one by one, then writes every valid item in one D1
 * batch (one transaction: all or nothing), idempotent on (symbol, interval, open time).
 */
import { type CandleWrite, upsertCandlesStatement } from "../../db/candles";
import { type PriceWrite, selectPricesStatement, upsertPricesStatement } from "../../db/market-prices";
import { insertSymbolsStatement } from "../../db/market-symbols";
import { type OrderbookSnapshot, selectOrderbookTimesStatement, upsertOrderbooksStatement } from "../../db/orderbooks";
import type { OrderbookMessage, TickerMessage } from "../realtime/publish";
import { INTERVAL_MS } from "./intervals";
import { forgetPrices } from "./price-cache";
import { toIso } from "./time";
import { checkCandle, checkOrderbook, checkTrade, type Kind, type Rejection, type TradeWrite } from "./validate";

/** Candles per INSERT statement; each statement carries its rows as one JSON parameter. */
const CANDLES_PER_STATEMENT = 2000;

/** Validated data to write. `tickers` are price-only quotes (upstream pull). */
export interface MarketWrite {
  exchange: string;
  candles: CandleWrite[];
  trades: TradeWrite[];
  tickers: Array<{ symbol: string; price: string; time: number }>;
  orderbooks: OrderbookSnapshot[];
}

/** What a write changed, ready to push to WebSocket subscribers. */
export interface MarketUpdates {
  tickers: TickerMessage[];
  orderbooks: OrderbookMessage[];
}

/** Body of `POST /market/ingest`, after its shape was checked (the items are not yet). */
export interface IngestInput {
  exchange: string;
  candles?: unknown[];
  trades?: unknown[];
  orderbooks?: unknown[];
}

/**
 * Validates and stores ingested market data. Valid items are written atomically; invalid ones
 * are returned as rejections. Re-sending a candle replaces it.
 * @example const { accepted, rejected, updates } = await ingestMarketData(env.DB, body)
 */
export async function ingestMarketData(
  db: D1Database,
  input: IngestInput,
  now = Date.now(),
): Promise<{ accepted: number; rejected: Rejection[]; updates: MarketUpdates }> {
  const rejected: Rejection[] = [];
  const collect = <T>(kind: Kind, items: unknown[] | undefined, check: (item: unknown, now: number) => unknown) => {
    const valid: T[] = [];
    (items ?? []).forEach((item, index) => {
      const result = check(item, now) as { ok: true; value: T } | { ok: false; reason: string };
      if (result.ok) valid.push(result.value);
      else rejected.push({ index, kind, reason: result.reason });
    });
    return valid;
  };
  const data: MarketWrite = {
    exchange: input.exchange,
    candles: collect<CandleWrite>("candle", input.candles, checkCandle),
    trades: collect<TradeWrite>("trade", input.trades, checkTrade),
    orderbooks: collect<OrderbookSnapshot>("orderbook", input.orderbooks, checkOrderbook),
    tickers: [],
  };
  const accepted = data.candles.length + data.trades.length + data.orderbooks.length;
  const updates = accepted > 0 ? await writeMarketData(db, data, now) : { tickers: [], orderbooks: [] };
  return { accepted, rejected, updates };
}

interface StoredPrice {
  symbol: string;
  price: string;
  volume: string;
  price_time: number;
}

function rowsOf<T>(results: D1Result[], index: number): T[] {
  return index < 0 ? [] : ((results[index]?.results ?? []) as T[]);
}

/** The newest price each symbol gets from this write (the later item wins a tie). */
function newestPrices(data: MarketWrite, now: number): PriceWrite[] {
  const best = new Map<string, PriceWrite>();
  const offer = (update: PriceWrite) => {
    const current = best.get(update.symbol);
    if (!current || update.price_time >= current.price_time) best.set(update.symbol, update);
  };
  for (const c of data.candles) {
    // A candle's close is the price at its end, or now for a candle still in progress.
    const time = Math.min(c.open_time + INTERVAL_MS[c.interval], now);
    offer({ symbol: c.symbol, price: c.close, volume: c.volume, price_time: time, source: "candle" });
  }
  for (const t of data.trades) {
    offer({ symbol: t.symbol, price: t.price, volume: t.size, price_time: t.time, source: "trade" });
  }
  for (const t of data.tickers) {
    offer({ symbol: t.symbol, price: t.price, volume: null, price_time: t.time, source: "ticker" });
  }
  return [...best.values()];
}

function newestBooks(books: readonly OrderbookSnapshot[]): OrderbookSnapshot[] {
  const best = new Map<string, OrderbookSnapshot>();
  for (const book of books) {
    const current = best.get(book.symbol);
    if (!current || book.snapshot_time >= current.snapshot_time) best.set(book.symbol, book);
  }
  return [...best.values()];
}

/**
 * Writes validated market data in one D1 batch and reports which prices and books became the
 * live ones (older data never replaces newer live prices or books).
 */
export async function writeMarketData(db: D1Database, data: MarketWrite, now = Date.now()): Promise<MarketUpdates> {
  const prices = newestPrices(data, now);
  const books = newestBooks(data.orderbooks);
  const symbols = new Set<string>([
    ...data.candles.map((c) => c.symbol),
    ...prices.map((p) => p.symbol),
    ...books.map((b) => b.symbol),
  ]);
  if (symbols.size === 0) return { tickers: [], orderbooks: [] };

  const statements: D1PreparedStatement[] = [insertSymbolsStatement(db, [...symbols], data.exchange, now)];
  for (let i = 0; i < data.candles.length; i += CANDLES_PER_STATEMENT) {
    statements.push(upsertCandlesStatement(db, data.candles.slice(i, i + CANDLES_PER_STATEMENT), data.exchange, now));
  }
  if (prices.length > 0) statements.push(upsertPricesStatement(db, prices, data.exchange, now));
  if (books.length > 0) statements.push(upsertOrderbooksStatement(db, books, data.exchange, now));
  const readPricesAt =
    prices.length > 0
      ? statements.push(
          selectPricesStatement(
            db,
            prices.map((p) => p.symbol),
          ),
        ) - 1
      : -1;
  const readBooksAt =
    books.length > 0
      ? statements.push(
          selectOrderbookTimesStatement(
            db,
            books.map((b) => b.symbol),
          ),
        ) - 1
      : -1;

  const results = await db.batch(statements);
  forgetPrices(symbols);

  const tickers: TickerMessage[] = [];
  const storedPrices = new Map(rowsOf<StoredPrice>(results, readPricesAt).map((row) => [row.symbol, row]));
  for (const update of prices) {
    const row = storedPrices.get(update.symbol);
    // Published only when this write's price is the live one (older data loses to newer).
    if (row && row.price_time === update.price_time && row.price === update.price) {
      tickers.push({
        type: "ticker",
        symbol: row.symbol,
        price: row.price,
        timestamp: toIso(row.price_time),
        volume: row.volume,
      });
    }
  }
  const orderbooks: OrderbookMessage[] = [];
  const storedBooks = new Map(
    rowsOf<{ symbol: string; snapshot_time: number }>(results, readBooksAt).map((row) => [row.symbol, row]),
  );
  for (const book of books) {
    if (storedBooks.get(book.symbol)?.snapshot_time === book.snapshot_time) {
      orderbooks.push({
        type: "orderbook",
        symbol: book.symbol,
        bids: book.bids,
        asks: book.asks,
        timestamp: toIso(book.snapshot_time),
      });
    }
  }
  return { tickers, orderbooks };
}
