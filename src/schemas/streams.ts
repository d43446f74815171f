/**
 * The WebSocket protocol of `/ws/market` and `/ws/alerts` (API.md "WebSockets") as schemas, so
 * the OpenAPI document names every message and the client SDK's types are generated from it
 * rather than copied. The frames the server really sends are checked against these schemas in
 * test/schemas/streams.test.ts.
 */
import { z } from "@hono/zod-openapi";
import { ERROR_CODES } from "../errors";
import { IsoTime } from "./common";

const SymbolName = z.string().openapi({ example: "BTC-USDT", description: "`BASE-QUOTE`, upper case." });
const Decimal = (example: string) => z.string().openapi({ example });
const Level = z.tuple([Decimal("65000.00"), Decimal("1.234")]).openapi({ description: "`[price, size]`." });
const TokenAddress = z.string().openapi({ example: "So11111111111111111111111111111111111111112" });
const Action = z.enum(["subscribe", "unsubscribe"]);
const AckType = z.enum(["subscribed", "unsubscribed"]);

export const StreamTicker = z
  .strictObject({
    type: z.literal("ticker"),
    symbol: SymbolName,
    price: Decimal("65432.10"),
    timestamp: IsoTime,
    volume: Decimal("1.23"),
  })
  .openapi("StreamTicker", { description: "A new live price of a followed symbol (`/ws/market`, channel `market`)." });

export const StreamOrderbook = z
  .strictObject({
    type: z.literal("orderbook"),
    symbol: SymbolName,
    bids: z.array(Level).openapi({ description: "Best first (descending price), cut to the subscribed depth." }),
    asks: z.array(Level).openapi({ description: "Best first (ascending price), cut to the subscribed depth." }),
    timestamp: IsoTime,
  })
  .openapi("StreamOrderbook", {
    description: "A new order book of a followed symbol (`/ws/market`, channel `orderbook`).",
  });

export const StreamAnomalyAlert = z
  .strictObject({
    type: z.literal("anomaly_alert"),
    data: z.strictObject({
      token_address: TokenAddress,
      risk_score: z.number().openapi({ example: 0.87, description: "In [0, 1]." }),
      anomaly_type: z.string().openapi({
        example: "whale_movement",
        description:
          "`whale_movement`, `volume_spike`, `price_spike`, `price_crash`, `holder_concentration` or `wash_trading`.",
      }),
      timestamp: IsoTime,
      details: z.record(z.string(), z.unknown()).openapi({
        description:
          "Per type, as seed 000 (a whale movement: `wallet_address`, `counterparty`, `amount`, `usd_value`, `signature`).",
      }),
    }),
  })
  .openapi("StreamAnomalyAlert", {
    description: "An anomaly of a followed token (`/ws/alerts`, channel `anomalies`).",
  });

export const StreamError = z
  .strictObject({
    type: z.literal("error"),
    error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() }),
  })
  .openapi("StreamError", { description: "An invalid client message's answer; the socket stays open." });

export const StreamMarketAck = z
  .strictObject({ type: AckType, channel: z.literal("market"), symbols: z.array(SymbolName) })
  .openapi("StreamMarketAck");

export const StreamOrderbookAck = z
  .strictObject({
    type: AckType,
    channel: z.literal("orderbook"),
    symbol: SymbolName,
    depth: z.number().int().optional().openapi({ description: "On `subscribed` only." }),
  })
  .openapi("StreamOrderbookAck");

export const StreamAnomaliesAck = z
  .strictObject({
    type: AckType,
    channel: z.literal("anomalies"),
    token_addresses: z
      .array(TokenAddress)
      .nullable()
      .openapi({ description: "Null: every token the account monitors." }),
  })
  .openapi("StreamAnomaliesAck");

/** Every message the server sends on either endpoint (besides the text `pong`). */
export const StreamServerMessage = z
  .union([
    StreamTicker,
    StreamOrderbook,
    StreamAnomalyAlert,
    StreamError,
    StreamMarketAck,
    StreamOrderbookAck,
    StreamAnomaliesAck,
  ])
  .openapi("StreamServerMessage", {
    description:
      "Any server message of `/ws/market` and `/ws/alerts`, told apart by `type` (and `channel` for acknowledgements).",
  });

export const StreamMarketCommand = z
  .object({
    action: Action,
    channel: z.literal("market"),
    symbols: z.array(SymbolName).min(1).max(100),
  })
  .openapi("StreamMarketCommand");

export const StreamOrderbookCommand = z
  .object({
    action: Action,
    channel: z.literal("orderbook"),
    symbol: SymbolName,
    depth: z.number().int().min(1).max(1000).optional().openapi({ description: "Levels per side (default 10)." }),
  })
  .openapi("StreamOrderbookCommand");

export const StreamAnomaliesCommand = z
  .object({
    action: Action,
    channel: z.literal("anomalies"),
    token_addresses: z
      .array(TokenAddress)
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "Absent: every token the account monitors." }),
  })
  .openapi("StreamAnomaliesCommand");

/** Every message a client sends (besides the text `ping`). */
export const StreamClientMessage = z
  .union([StreamMarketCommand, StreamOrderbookCommand, StreamAnomaliesCommand])
  .openapi("StreamClientMessage", {
    description: "`market` and `orderbook` on `/ws/market`, `anomalies` on `/ws/alerts`.",
  });
