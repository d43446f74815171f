import { describe, expect, it } from "vitest";
import { StreamClientMessage, StreamServerMessage } from "../../src/schemas/streams";
import { alertFrame, orderbookFrame, tickerFrame } from "../../src/services/realtime/messages";
import { ackMessage, errorMessage, parseCommand } from "../../src/services/realtime/protocol";

const parse = (frame: string) => StreamServerMessage.safeParse(JSON.parse(frame));

describe("WebSocket message schemas (documented in /openapi.json)", () => {
  it("accept every frame the server sends", () => {
    const frames = [
      tickerFrame({
        type: "ticker",
        symbol: "BTC-USDT",
        price: "65000.10",
        timestamp: "2026-01-01T00:00:00.000Z",
        volume: "1.5",
      }),
      orderbookFrame(
        {
          type: "orderbook",
          symbol: "BTC-USDT",
          bids: [["64999.00", "1.0"]],
          asks: [["65001.00", "2.0"]],
          timestamp: "2026-01-01T00:00:00.000Z",
        },
        10,
      ),
      alertFrame({
        type: "anomaly_alert",
        data: {
          token_address: "So11111111111111111111111111111111111111112",
          risk_score: 0.9,
          anomaly_type: "whale_movement",
          timestamp: "2026-01-01T00:00:00.000Z",
          details: { amount: 5, usd_value: 250000 },
        },
      }),
      errorMessage({ code: "MARKET_001", message: "Unknown symbol." }),
      ackMessage({ action: "subscribe", channel: "market", symbols: ["BTC-USDT"] }),
      ackMessage({ action: "unsubscribe", channel: "market", symbols: ["BTC-USDT"] }),
      ackMessage({ action: "subscribe", channel: "orderbook", symbol: "BTC-USDT", depth: 5 }),
      ackMessage({ action: "unsubscribe", channel: "orderbook", symbol: "BTC-USDT" }),
      ackMessage({ action: "subscribe", channel: "anomalies", token_addresses: null }),
      ackMessage({
        action: "subscribe",
        channel: "anomalies",
        token_addresses: ["So11111111111111111111111111111111111111112"],
      }),
    ];
    for (const frame of frames) expect(parse(frame).error?.issues ?? [], frame).toEqual([]);
  });

  it("refuse a frame with a field the protocol does not have", () => {
    const frame = JSON.parse(
      tickerFrame({
        type: "ticker",
        symbol: "BTC-USDT",
        price: "1",
        timestamp: "2026-01-01T00:00:00.000Z",
        volume: "1",
      }),
    );
    expect(StreamServerMessage.safeParse({ ...frame, extra: 1 }).success).toBe(false);
    expect(StreamServerMessage.safeParse({ type: "ticker", symbol: "BTC-USDT" }).success).toBe(false);
  });

  it("describe only commands the server accepts", () => {
    const commands = [
      { action: "subscribe", channel: "market", symbols: ["BTC-USDT"] },
      { action: "subscribe", channel: "orderbook", symbol: "BTC-USDT", depth: 20 },
      { action: "unsubscribe", channel: "orderbook", symbol: "BTC-USDT" },
    ];
    for (const command of commands) {
      expect(StreamClientMessage.safeParse(command).success).toBe(true);
      expect(parseCommand("market", JSON.stringify(command)).ok).toBe(true);
    }
    const alerts = [
      { action: "subscribe", channel: "anomalies" },
      { action: "subscribe", channel: "anomalies", token_addresses: ["So11111111111111111111111111111111111111112"] },
    ];
    for (const command of alerts) {
      expect(StreamClientMessage.safeParse(command).success).toBe(true);
      expect(parseCommand("alerts", JSON.stringify(command)).ok).toBe(true);
    }
    expect(
      StreamClientMessage.safeParse({ action: "subscribe", channel: "orderbook", symbol: "BTC-USDT", depth: 0 })
        .success,
    ).toBe(false);
  });
});
