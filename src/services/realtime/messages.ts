/**
 * The exact wire form of server messages (API.md "WebSockets"). Keys are written in a fixed
 * order whatever order the publisher's objects have, so every subscriber gets the same bytes.
 */
import type { AnomalyAlertMessage, OrderbookMessage, TickerMessage } from "./publish";

/** `{"type":"ticker","symbol","price","timestamp","volume"}`. */
export function tickerFrame(t: TickerMessage): string {
  return JSON.stringify({ type: "ticker", symbol: t.symbol, price: t.price, timestamp: t.timestamp, volume: t.volume });
}

/** `{"type":"orderbook","symbol","bids","asks","timestamp"}` cut to `depth` levels per side. */
export function orderbookFrame(b: OrderbookMessage, depth: number): string {
  return JSON.stringify({
    type: "orderbook",
    symbol: b.symbol,
    bids: b.bids.slice(0, depth),
    asks: b.asks.slice(0, depth),
    timestamp: b.timestamp,
  });
}

/**
 * Seed 000's alert, byte for byte in shape:
 * `{"type":"anomaly_alert","data":{"token_address","risk_score","anomaly_type","timestamp","details"}}`.
 */
export function alertFrame(a: AnomalyAlertMessage): string {
  const d = a.data;
  return JSON.stringify({
    type: "anomaly_alert",
    data: {
      token_address: d.token_address,
      risk_score: d.risk_score,
      anomaly_type: d.anomaly_type,
      timestamp: d.timestamp,
      details: d.details,
    },
  });
}
