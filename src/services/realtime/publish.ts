import { getConfig } from "../../config";
import { logger } from "../../lib/log";
import { roomStub } from "./rooms";

/** Messages pushed to WebSocket subscribers (API.md "WebSockets"). */
export interface TickerMessage {
  type: "ticker";
  symbol: string;
  price: string;
  timestamp: string;
  volume: string;
}

export interface OrderbookMessage {
  type: "orderbook";
  symbol: string;
  bids: [string, string][];
  asks: [string, string][];
  timestamp: string;
}

export interface AnomalyAlertMessage {
  type: "anomaly_alert";
  data: {
    token_address: string;
    risk_score: number;
    anomaly_type: string;
    timestamp: string;
    details: Record<string, unknown>;
  };
}

/** Market updates for `/ws/market` subscribers. */
export interface MarketUpdates {
  tickers?: TickerMessage[];
  orderbooks?: OrderbookMessage[];
}

/** One alert to deliver, with the accounts that monitor its token (for subscribers that asked for "all my tokens"). */
export interface AlertDelivery {
  message: AnomalyAlertMessage;
  account_ids: string[];
}

/**
 * Sends one call to every room and waits for all of them; failures are logged, never thrown.
 * Rooms shard connections by account, so any room may hold a subscriber: each one filters and
 * fans out to its own sockets (README, "Real-time streams").
 */
async function toEveryRoom(
  env: Env,
  kind: "market" | "alerts",
  call: (room: ReturnType<typeof roomStub>) => Promise<number>,
): Promise<void> {
  try {
    const shards = getConfig(env).WS_ROOM_SHARDS;
    const results = await Promise.allSettled(Array.from({ length: shards }, (_, i) => call(roomStub(env, i))));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failures.length > 0) {
      const reason = failures[0]?.reason;
      logger.warn("stream_publish_failed", {
        kind,
        rooms: failures.length,
        of: shards,
        error: reason instanceof Error ? reason.message : String(reason),
      });
    }
  } catch (err) {
    logger.error("stream_publish_error", { kind, error: err instanceof Error ? err.message : String(err) });
  }
}

/**
 * Publishes tickers and order books to `/ws/market` subscribers (market ingest and the upstream
 * pull call it under `waitUntil`). Never throws; an empty update sends nothing.
 * @example ctx.waitUntil(publishMarket(env, { tickers, orderbooks }))
 */
export async function publishMarket(env: Env, updates: MarketUpdates): Promise<void> {
  const tickers = updates.tickers ?? [];
  const orderbooks = updates.orderbooks ?? [];
  if (tickers.length === 0 && orderbooks.length === 0) return;
  await toEveryRoom(env, "market", (room) => room.publishMarket({ tickers, orderbooks }));
}

/**
 * Publishes anomaly alerts to `/ws/alerts` subscribers (the anomaly scanner calls it). A socket
 * gets an alert when it follows the alert's token, or follows every monitored token and its
 * account is among `account_ids`. Never throws.
 * @example ctx.waitUntil(publishAlerts(env, [{ message, account_ids: ["usr_…"] }]))
 */
export async function publishAlerts(env: Env, alerts: AlertDelivery[]): Promise<void> {
  if (alerts.length === 0) return;
  await toEveryRoom(env, "alerts", (room) => room.publishAlerts(alerts));
}
