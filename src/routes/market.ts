/** Market data routes (API.md "Market data"): public reads, admin ingestion. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { logger } from "../lib/log";
import { allowAnonymousOr, OPTIONALLY_SECURED, requireScope, SECURED } from "../middleware/auth";
import { errorResponses, PaginationQuery } from "../schemas/common";
import {
  HistoryQuery,
  HistoryResponse,
  IngestBody,
  IngestResponse,
  OrderbookQuery,
  OrderbookResponse,
  PriceResponse,
  SymbolParam,
  SymbolsResponse,
} from "../schemas/market";
import { getHistory } from "../services/market/history";
import { ingestMarketData } from "../services/market/ingest";
import { getOrderbook } from "../services/market/orderbook";
import { getLatestPrice } from "../services/market/prices";
import { listSymbols } from "../services/market/symbols";
import { parseIsoTime } from "../services/market/time";
import { CandleItem, OrderbookItem, TradeItem } from "../services/market/validate";
import { publishMarket } from "../services/realtime/publish";
import type { AppEnv } from "../types";

const TAGS = ["Market data"];
// auth.ts exports these as inferred literals; OpenAPI wants security requirement objects.
const requirements = (schemes: readonly object[]) => schemes as Array<Record<string, string[]>>;
const ANYONE = requirements(OPTIONALLY_SECURED);
const CREDENTIALS = requirements(SECURED);
const PUBLIC = "Public: anonymous callers are allowed (at the anonymous rate limit); credentials need `read:market`.";
const json = <T>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const symbolsRoute = createRoute({
  method: "get",
  path: "/api/v1/market/symbols",
  operationId: "listMarketSymbols",
  tags: TAGS,
  summary: "List known symbols",
  description: `Every symbol that has data, alphabetically, with its last price. ${PUBLIC}`,
  security: ANYONE,
  middleware: [allowAnonymousOr("read:market")],
  request: { query: PaginationQuery },
  responses: { 200: json(SymbolsResponse, "A page of symbols."), ...errorResponses(401, 403) },
});

const priceRoute = createRoute({
  method: "get",
  path: "/api/v1/market/price/{symbol}",
  operationId: "getMarketPrice",
  tags: TAGS,
  summary: "Latest price",
  description: `The newest of the symbol's last trade, last candle close and last upstream ticker. When an upstream exchange is configured (\`MARKET_UPSTREAM_URL\`) and the stored price is older than \`MARKET_PRICE_MAX_AGE_SECONDS\`, it is refreshed from the exchange first; if that fails the answer is 502 \`MARKET_002\` rather than a stale price. ${PUBLIC}`,
  security: ANYONE,
  middleware: [allowAnonymousOr("read:market")],
  request: { params: SymbolParam },
  responses: { 200: json(PriceResponse, "The latest price."), ...errorResponses(401, 403, 404, 502) },
});

const historyRoute = createRoute({
  method: "get",
  path: "/api/v1/market/history/{symbol}",
  operationId: "getMarketHistory",
  tags: TAGS,
  summary: "Candle history",
  description: `OHLCV candles, oldest first. \`start\` and \`end\` bound candle open times (inclusive; \`start\` must be before \`end\`). With \`start\`, the page holds the first \`limit\` candles from \`start\` on and \`next_cursor\` continues forward. Without \`start\`, it holds the **latest** \`limit\` candles up to \`end\` (or now) and \`next_cursor\` leads to older ones. Pass the cursor with the same symbol and interval; it carries the window. Buckets with no stored candle of the interval are aggregated from finer stored candles (UTC-aligned; open = first, close = last, high = max, low = min, volume = sum). Aggregation reads at most 10,000 finer candles per interval and request, so an aggregated page can hold fewer than \`limit\` candles: follow \`next_cursor\` until it is null. ${PUBLIC}`,
  security: ANYONE,
  middleware: [allowAnonymousOr("read:market")],
  request: { params: SymbolParam, query: HistoryQuery },
  responses: { 200: json(HistoryResponse, "A page of candles."), ...errorResponses(401, 403, 404) },
});

const orderbookRoute = createRoute({
  method: "get",
  path: "/api/v1/market/orderbook/{symbol}",
  operationId: "getMarketOrderbook",
  tags: TAGS,
  summary: "Latest order book",
  description: `The latest ingested snapshot, \`depth\` levels per side as \`[price, size]\` strings: bids descending, asks ascending. 404 \`MARKET_001\` for an unknown symbol, 404 \`not_found\` when the symbol has no order book yet. ${PUBLIC}`,
  security: ANYONE,
  middleware: [allowAnonymousOr("read:market")],
  request: { params: SymbolParam, query: OrderbookQuery },
  responses: { 200: json(OrderbookResponse, "The order book."), ...errorResponses(401, 403, 404) },
});

const ingestRoute = createRoute({
  method: "post",
  path: "/api/v1/market/ingest",
  operationId: "ingestMarketData",
  tags: TAGS,
  summary: "Ingest candles, trades and order books",
  description:
    "Needs `write:ingest`. Each item is validated on its own (decimal strings, ISO times not in the future, candle open times aligned to the interval, low ≤ open, close ≤ high, books not crossed): valid items are stored in one transaction, invalid ones are listed in `rejected` with the reason. A symbol is created by its first data. Re-sending a candle (same symbol, interval and open time) replaces it; within one request the later duplicate wins. Older data never moves a live price or book backwards. New prices and books are pushed to WebSocket subscribers. 400 only when the body itself is malformed.",
  security: CREDENTIALS,
  middleware: [requireScope("write:ingest")],
  request: { body: { required: true, content: { "application/json": { schema: IngestBody } } } },
  responses: { 202: json(IngestResponse, "What was stored and what was refused."), ...errorResponses(401, 403) },
});

/** The market data routes, mounted at the root (paths are absolute). */
export const marketRoutes = new OpenAPIHono<AppEnv>()
  .openapi(symbolsRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listSymbols(c.env.DB, { limit, cursor }), 200);
  })
  .openapi(priceRoute, async (c) => c.json(await getLatestPrice(c.env, c.req.valid("param").symbol), 200))
  .openapi(historyRoute, async (c) => {
    const { symbol } = c.req.valid("param");
    const q = c.req.valid("query");
    const page = await getHistory(c.env.DB, {
      symbol,
      interval: q.interval,
      start: q.start === undefined ? undefined : (parseIsoTime(q.start, true) ?? undefined),
      end: q.end === undefined ? undefined : (parseIsoTime(q.end, true) ?? undefined),
      limit: q.limit,
      cursor: q.cursor,
    });
    return c.json(page, 200);
  })
  .openapi(orderbookRoute, async (c) => {
    const book = await getOrderbook(c.env.DB, c.req.valid("param").symbol, c.req.valid("query").depth);
    return c.json(book, 200);
  })
  .openapi(ingestRoute, async (c) => {
    const { accepted, rejected, updates } = await ingestMarketData(c.env.DB, c.req.valid("json"));
    if (updates.tickers.length > 0 || updates.orderbooks.length > 0) {
      // Subscribers are told off the critical path; a failed push never fails the ingest.
      c.executionCtx.waitUntil(
        publishMarket(c.env, updates).catch((err) =>
          logger.warn("market_publish_failed", { error: err instanceof Error ? err.message : String(err) }),
        ),
      );
    }
    return c.json({ accepted, rejected }, 202);
  });

marketRoutes.openAPIRegistry.register("IngestCandle", CandleItem);
marketRoutes.openAPIRegistry.register("IngestTrade", TradeItem);
marketRoutes.openAPIRegistry.register("IngestOrderbook", OrderbookItem);
