/** Request and response schemas of the market data routes (API.md "Market data"). */
import { z } from "@hono/zod-openapi";
import { INTERVALS } from "../services/market/intervals";
import { SYMBOL_PATTERN } from "../services/market/symbols";
import { parseIsoTime } from "../services/market/time";
import { IsoTime, NextCursor, PaginationQuery } from "./common";

/** Most items of each kind in one ingest request (the 1 MiB body limit usually binds first). */
export const MAX_INGEST_ITEMS = 10_000;
/** Most order books in one ingest request (each may hold 2 × 1000 levels). */
export const MAX_INGEST_BOOKS = 100;

const Decimal = (example: string, description: string) => z.string().openapi({ example, description });

export const SymbolParam = z.object({
  symbol: z
    .string()
    .regex(SYMBOL_PATTERN, "must look like BTC-USDT (upper-case BASE-QUOTE)")
    .openapi({ param: { name: "symbol", in: "path" }, example: "BTC-USDT", description: "`BASE-QUOTE`, upper case." }),
});

export const SymbolInfoSchema = z
  .object({
    symbol: z.string().openapi({ example: "BTC-USDT" }),
    base: z.string().openapi({ example: "BTC" }),
    quote: z.string().openapi({ example: "USDT" }),
    exchange: z.string().openapi({ example: "binance", description: "Exchange of the latest price." }),
    last_price: z.string().nullable().openapi({ example: "93859.71", description: "Null until a price is known." }),
    updated_at: IsoTime.nullable().openapi({ description: "Time of `last_price`." }),
  })
  .openapi("MarketSymbol");

export const SymbolsResponse = z
  .object({ symbols: z.array(SymbolInfoSchema), next_cursor: NextCursor })
  .openapi("MarketSymbols");

export const PriceResponse = z
  .object({
    symbol: z.string().openapi({ example: "BTC-USDT" }),
    price: Decimal("65432.10", "Last price, in the quote currency."),
    timestamp: IsoTime.openapi({ description: "When this price was current." }),
    volume: Decimal(
      "123.45",
      "Base-asset volume behind the price: the last trade's size, or the volume of the candle whose close it is.",
    ),
    exchange: z.string().openapi({ example: "binance" }),
  })
  .openapi("MarketPrice");

const isoOrDate = (name: string) =>
  z
    .string()
    .max(64)
    .refine((v) => parseIsoTime(v, true) !== null, "must be an ISO 8601 date-time (with Z or an offset) or a date")
    .optional()
    .openapi({
      param: { name, in: "query" },
      example: name === "start" ? "2025-12-01T00:00:00Z" : "2026-01-01T00:00:00Z",
      description: `Candle open times ${name === "start" ? "from" : "up to"} this time (inclusive).`,
    });

export const HistoryQuery = z
  .object({
    interval: z
      .enum(INTERVALS)
      .default("1h")
      .openapi({
        param: { name: "interval", in: "query" },
        example: "1d",
        description: "Candle interval (default 1h).",
      }),
    start: isoOrDate("start"),
    end: isoOrDate("end"),
    limit: PaginationQuery.shape.limit,
    cursor: PaginationQuery.shape.cursor,
  })
  .superRefine((q, ctx) => {
    const start = q.start === undefined ? null : parseIsoTime(q.start, true);
    const end = q.end === undefined ? null : parseIsoTime(q.end, true);
    if (start !== null && end !== null && start >= end) {
      ctx.addIssue({ code: "custom", path: ["start"], message: "must be before end" });
    }
  });

export const CandleSchema = z
  .object({
    timestamp: IsoTime.openapi({ description: "Open time of the candle (UTC)." }),
    open: Decimal("65000.00", "First price."),
    high: Decimal("65100.00", "Highest price."),
    low: Decimal("64900.00", "Lowest price."),
    close: Decimal("65050.00", "Last price."),
    volume: Decimal("234.56", "Traded volume in the base asset."),
  })
  .openapi("Candle");

export const HistoryResponse = z
  .object({
    symbol: z.string().openapi({ example: "BTC-USDT" }),
    interval: z.enum(INTERVALS).openapi({ example: "1d" }),
    data: z.array(CandleSchema).openapi({ description: "Oldest first." }),
    next_cursor: NextCursor,
  })
  .openapi("MarketHistory");

export const OrderbookQuery = z.object({
  depth: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .openapi({
      param: { name: "depth", in: "query" },
      example: 10,
      description: "Levels per side (1-1000, default 10).",
    }),
});

const LevelPair = z.tuple([z.string(), z.string()]).openapi({ example: ["65000.00", "1.234"] });

export const OrderbookResponse = z
  .object({
    symbol: z.string().openapi({ example: "BTC-USDT" }),
    bids: z.array(LevelPair).openapi({ description: "`[price, size]`, best (highest) first." }),
    asks: z.array(LevelPair).openapi({ description: "`[price, size]`, best (lowest) first." }),
    timestamp: IsoTime.openapi({ description: "Time of the snapshot." }),
  })
  .openapi("MarketOrderbook");

const items = (ref: string, max: number, description: string) =>
  z
    .array(z.unknown())
    .max(max)
    .optional()
    .openapi({ items: { $ref: `#/components/schemas/${ref}` }, description });

export const IngestBody = z
  .object({
    exchange: z
      .string()
      .regex(/^[a-z0-9_.-]{1,32}$/, "must be 1-32 of a-z, 0-9, _ . -")
      .openapi({ example: "binance", description: "Where the data comes from." }),
    candles: items("IngestCandle", MAX_INGEST_ITEMS, `Up to ${MAX_INGEST_ITEMS} candles.`),
    trades: items("IngestTrade", MAX_INGEST_ITEMS, `Up to ${MAX_INGEST_ITEMS} trades.`),
    orderbooks: items("IngestOrderbook", MAX_INGEST_BOOKS, `Up to ${MAX_INGEST_BOOKS} order book snapshots.`),
  })
  .strict()
  .refine((b) => b.candles !== undefined || b.trades !== undefined || b.orderbooks !== undefined, {
    message: "send at least one of candles, trades, orderbooks",
  })
  .openapi({
    example: {
      exchange: "binance",
      candles: [
        {
          symbol: "BTC-USDT",
          interval: "1d",
          timestamp: "2026-01-05T00:00:00Z",
          open: "91529.74",
          high: "94789.08",
          low: "91514.81",
          close: "93859.71",
          volume: "20673.59584",
        },
      ],
    },
  });

export const IngestResponse = z
  .object({
    accepted: z.number().int().openapi({ example: 1, description: "Items stored." }),
    rejected: z
      .array(
        z.object({
          index: z.number().int().openapi({ example: 0, description: "Position in its array." }),
          kind: z.enum(["candle", "trade", "orderbook"]).openapi({ example: "candle" }),
          reason: z.string().openapi({ example: "high: must be at least open and close" }),
        }),
      )
      .openapi({ description: "Items refused, each with why; the others were stored." }),
  })
  .openapi("IngestResult");
