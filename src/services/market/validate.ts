/**
 * Per-item validation of ingested market data (no I/O). Each item is judged on its own: valid
 * ones become typed writes, invalid ones a `{index, kind, reason}` rejection.
 */
import { z } from "@hono/zod-openapi";
import type { CandleWrite } from "../../db/candles";
import type { Level, OrderbookSnapshot } from "../../db/orderbooks";
import { compareDecimal, DECIMAL_PATTERN, isZeroDecimal, maxDecimal, minDecimal } from "./decimal";
import { INTERVAL_MS, INTERVALS } from "./intervals";
import { SYMBOL_PATTERN } from "./symbols";
import { parseIsoTime } from "./time";

/** Most price levels kept per side of an order book. */
export const MAX_BOOK_LEVELS = 1000;
/** Clock skew tolerated for data stamped slightly ahead of the server. */
const FUTURE_SKEW_MS = 60_000;

const SymbolField = z.string().regex(SYMBOL_PATTERN, "must look like BTC-USDT").openapi({ example: "BTC-USDT" });
const Decimal = (example: string) =>
  z.string().regex(DECIMAL_PATTERN, 'must be a non-negative decimal string like "65432.10"').openapi({ example });
const Timestamp = z
  .string()
  .refine((v) => parseIsoTime(v) !== null, "must be an ISO 8601 date-time with Z or an offset")
  .openapi({ example: "2024-03-21T09:00:00Z", format: "date-time" });

/** A candle to ingest; `timestamp` is its open time, aligned to the interval (UTC). */
export const CandleItem = z
  .object({
    symbol: SymbolField,
    interval: z.enum(INTERVALS).openapi({ example: "1h" }),
    timestamp: Timestamp,
    open: Decimal("65000.00"),
    high: Decimal("65100.00"),
    low: Decimal("64900.00"),
    close: Decimal("65050.00"),
    volume: Decimal("234.56"),
  })
  .strict()
  .openapi("IngestCandle");

/** A trade to ingest: it moves the live price when it is the newest data of its symbol. */
export const TradeItem = z
  .object({ symbol: SymbolField, price: Decimal("65432.10"), size: Decimal("0.015"), timestamp: Timestamp })
  .strict()
  .openapi("IngestTrade");

const LevelSchema = z.tuple([Decimal("65000.00"), Decimal("1.234")]).openapi({ example: ["65000.00", "1.234"] });

/** An order book snapshot to ingest: levels in any order, each price at most once per side. */
export const OrderbookItem = z
  .object({
    symbol: SymbolField,
    bids: z.array(LevelSchema).max(MAX_BOOK_LEVELS),
    asks: z.array(LevelSchema).max(MAX_BOOK_LEVELS),
    timestamp: Timestamp,
  })
  .strict()
  .openapi("IngestOrderbook");

export type Kind = "candle" | "trade" | "orderbook";

/** Why an item was refused. */
export interface Rejection {
  index: number;
  kind: Kind;
  reason: string;
}

/** A valid trade. */
export interface TradeWrite {
  symbol: string;
  price: string;
  size: string;
  time: number;
}

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

function timeProblem(time: number, now: number): string | null {
  if (time < 0) return "timestamp: must not be before 1970";
  if (time > now + FUTURE_SKEW_MS) return "timestamp: must not be in the future";
  return null;
}

/** Validates one candle: schema, UTC alignment, high/low bounds, not in the future. */
export function checkCandle(item: unknown, now: number): Checked<CandleWrite> {
  const parsed = CandleItem.safeParse(item);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  const c = parsed.data;
  const openTime = parseIsoTime(c.timestamp) as number;
  const problem = timeProblem(openTime, now);
  if (problem) return { ok: false, reason: problem };
  if (openTime % INTERVAL_MS[c.interval] !== 0) {
    return { ok: false, reason: `timestamp: must be the open time of a ${c.interval} candle (aligned to UTC)` };
  }
  if ([c.open, c.high, c.low, c.close].some(isZeroDecimal)) return { ok: false, reason: "prices must be above 0" };
  if (compareDecimal(c.high, maxDecimal(c.open, c.close)) < 0) {
    return { ok: false, reason: "high: must be at least open and close" };
  }
  if (compareDecimal(c.low, minDecimal(c.open, c.close)) > 0) {
    return { ok: false, reason: "low: must be at most open and close" };
  }
  const { open, high, low, close, volume } = c;
  return {
    ok: true,
    value: { symbol: c.symbol, interval: c.interval, open_time: openTime, open, high, low, close, volume },
  };
}

/** Validates one trade: schema, positive price and size, not in the future. */
export function checkTrade(item: unknown, now: number): Checked<TradeWrite> {
  const parsed = TradeItem.safeParse(item);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  const t = parsed.data;
  const time = parseIsoTime(t.timestamp) as number;
  const problem = timeProblem(time, now);
  if (problem) return { ok: false, reason: problem };
  if (isZeroDecimal(t.price)) return { ok: false, reason: "price: must be above 0" };
  if (isZeroDecimal(t.size)) return { ok: false, reason: "size: must be above 0" };
  return { ok: true, value: { symbol: t.symbol, price: t.price, size: t.size, time } };
}

/** Validates one order book: schema, positive levels, unique prices, not crossed; sorts the sides. */
export function checkOrderbook(item: unknown, now: number): Checked<OrderbookSnapshot> {
  const parsed = OrderbookItem.safeParse(item);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  const o = parsed.data;
  const time = parseIsoTime(o.timestamp) as number;
  const problem = timeProblem(time, now);
  if (problem) return { ok: false, reason: problem };
  const sides = { bids: o.bids as Level[], asks: o.asks as Level[] };
  for (const [name, levels] of Object.entries(sides)) {
    if (levels.some(([price, size]) => isZeroDecimal(price) || isZeroDecimal(size))) {
      return { ok: false, reason: `${name}: prices and sizes must be above 0` };
    }
  }
  const bids = [...sides.bids].sort((a, b) => compareDecimal(b[0], a[0]));
  const asks = [...sides.asks].sort((a, b) => compareDecimal(a[0], b[0]));
  for (const [name, levels] of [
    ["bids", bids],
    ["asks", asks],
  ] as const) {
    for (let i = 1; i < levels.length; i++) {
      if (compareDecimal((levels[i] as Level)[0], (levels[i - 1] as Level)[0]) === 0) {
        return { ok: false, reason: `${name}: price ${(levels[i] as Level)[0]} appears twice` };
      }
    }
  }
  const bestBid = bids[0];
  const bestAsk = asks[0];
  if (bestBid && bestAsk && compareDecimal(bestBid[0], bestAsk[0]) >= 0) {
    return { ok: false, reason: "the book is crossed: the best bid must be below the best ask" };
  }
  return { ok: true, value: { symbol: o.symbol, bids, asks, snapshot_time: time } };
}
