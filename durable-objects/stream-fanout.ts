import { alertFrame, orderbookFrame, tickerFrame } from "../src/services/realtime/messages";
import type { AlertDelivery, MarketUpdates } from "../src/services/realtime/publish";
import type { SubscriptionIndex } from "./subscription-index";

/** Sends a frame; a socket that is already closing counts as not sent (its close event removes it). */
export function send(ws: WebSocket, frame: string): number {
  try {
    ws.send(frame);
    return 1;
  } catch {
    return 0;
  }
}

/**
 * A room's fan-out: serialises each published item once (once per distinct depth for order
 * books) and sends it to the sockets the index names. Remembers the newest time sent per symbol
 * and kind, so a publish that arrives late (concurrent ingests race) never overtakes a newer one.
 */
export class Fanout {
  private readonly newest = new Map<string, number>();

  /** Books, then tickers; returns how many messages were sent. */
  market(index: SubscriptionIndex, updates: MarketUpdates): number {
    let sent = 0;
    for (const book of updates.orderbooks ?? []) {
      const sockets = index.bookSockets(book.symbol);
      if (!sockets?.size || !this.isNewest(`book:${book.symbol}`, book.timestamp)) continue;
      const frames = new Map<number, string>();
      for (const [ws, depth] of sockets) {
        let frame = frames.get(depth);
        if (frame === undefined) {
          frame = orderbookFrame(book, depth);
          frames.set(depth, frame);
        }
        sent += send(ws, frame);
      }
    }
    for (const ticker of updates.tickers ?? []) {
      const sockets = index.tickerSockets(ticker.symbol);
      if (!sockets?.size || !this.isNewest(`ticker:${ticker.symbol}`, ticker.timestamp)) continue;
      const frame = tickerFrame(ticker);
      for (const ws of sockets) sent += send(ws, frame);
    }
    return sent;
  }

  /** Each alert to the sockets that follow its token or its monitoring accounts, once per socket. */
  alerts(index: SubscriptionIndex, deliveries: AlertDelivery[]): number {
    let sent = 0;
    for (const delivery of deliveries) {
      const sockets = index.alertSockets(delivery.message.data.token_address, delivery.account_ids ?? []);
      if (sockets.size === 0) continue;
      const frame = alertFrame(delivery.message);
      for (const ws of sockets) sent += send(ws, frame);
    }
    return sent;
  }

  /** True when `timestamp` is not older than the newest already sent under `key` (and records it). */
  private isNewest(key: string, timestamp: string): boolean {
    const time = Date.parse(timestamp);
    if (Number.isNaN(time)) return true;
    if (time < (this.newest.get(key) ?? Number.NEGATIVE_INFINITY)) return false;
    this.newest.set(key, time);
    return true;
  }
}

/**
 * Per-socket token bucket for client messages, in memory: a socket the room has not seen since it
 * woke starts with a full bucket, which only ever errs towards letting a quiet client through.
 */
export class MessageBudget {
  private readonly buckets = new WeakMap<WebSocket, { tokens: number; at: number }>();

  constructor(
    readonly burst: number,
    readonly perSecond: number,
  ) {}

  /** Takes one message from the socket's bucket; false when it is empty. */
  take(ws: WebSocket, now: number): boolean {
    const bucket = this.buckets.get(ws) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(ws, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
