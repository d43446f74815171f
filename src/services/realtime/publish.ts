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

/**
 * Publishes market updates to `/ws/market` rooms. Seam: a no-op until the WebSocket capability
 * lands; callers (market ingest, upstream pull) do not change when it does.
 */
export async function publishMarket(
  _env: Env,
  _updates: { tickers?: TickerMessage[]; orderbooks?: OrderbookMessage[] },
): Promise<void> {}

/** One alert to deliver, with the accounts that monitor its token (for subscribers that asked for "all my tokens"). */
export interface AlertDelivery {
  message: AnomalyAlertMessage;
  account_ids: string[];
}

/**
 * Publishes anomaly alerts to `/ws/alerts` rooms. Seam: a no-op until the WebSocket capability
 * lands; the anomaly scanner does not change when it does.
 */
export async function publishAlerts(_env: Env, _alerts: AlertDelivery[]): Promise<void> {}
