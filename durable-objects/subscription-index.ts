import type { Subscriber } from "../src/services/realtime/subscriptions";

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/**
 * A room's in-memory lookup from a published key (symbol, token, account) to the sockets that
 * follow it, so a publish touches only its subscribers. Rebuilt from the socket attachments
 * (the durable truth) whenever the object wakes; kept in step by every subscribe, unsubscribe
 * and close.
 */
export class SubscriptionIndex {
  private readonly tickers = new Map<string, Set<WebSocket>>();
  private readonly books = new Map<string, Map<WebSocket, number>>();
  private readonly tokens = new Map<string, Set<WebSocket>>();
  /** Sockets that follow every token their account monitors, by account. */
  private readonly monitored = new Map<string, Set<WebSocket>>();

  /** Builds the index of every socket that carries an attachment. */
  static build(sockets: Iterable<WebSocket>): SubscriptionIndex {
    const index = new SubscriptionIndex();
    for (const ws of sockets) {
      const subscriber = ws.deserializeAttachment() as Subscriber | null;
      if (subscriber) index.add(ws, subscriber);
    }
    return index;
  }

  /** Indexes what `subscriber` follows on `ws`. */
  add(ws: WebSocket, subscriber: Subscriber): void {
    const { subs } = subscriber;
    for (const symbol of subs.symbols) addTo(this.tickers, symbol, ws);
    for (const [symbol, depth] of subs.orderbooks) {
      const depths = this.books.get(symbol);
      if (depths) depths.set(ws, depth);
      else this.books.set(symbol, new Map([[ws, depth]]));
    }
    for (const token of subs.token_addresses) addTo(this.tokens, token, ws);
    if (subs.all_alerts) addTo(this.monitored, subscriber.account_id, ws);
  }

  /** Forgets what `subscriber` followed on `ws`. */
  remove(ws: WebSocket, subscriber: Subscriber): void {
    const { subs } = subscriber;
    for (const symbol of subs.symbols) removeFrom(this.tickers, symbol, ws);
    for (const [symbol] of subs.orderbooks) {
      const depths = this.books.get(symbol);
      depths?.delete(ws);
      if (depths?.size === 0) this.books.delete(symbol);
    }
    for (const token of subs.token_addresses) removeFrom(this.tokens, token, ws);
    if (subs.all_alerts) removeFrom(this.monitored, subscriber.account_id, ws);
  }

  /** Replaces what `ws` follows. */
  update(ws: WebSocket, before: Subscriber, after: Subscriber): void {
    this.remove(ws, before);
    this.add(ws, after);
  }

  /** Sockets following a symbol's ticker. */
  tickerSockets(symbol: string): ReadonlySet<WebSocket> | undefined {
    return this.tickers.get(symbol);
  }

  /** Sockets following a symbol's order book, with the depth each asked for. */
  bookSockets(symbol: string): ReadonlyMap<WebSocket, number> | undefined {
    return this.books.get(symbol);
  }

  /** Sockets that get an alert of `token`: those following it, and those following all of a monitoring account's tokens. */
  alertSockets(token: string, accountIds: readonly string[]): Set<WebSocket> {
    const out = new Set<WebSocket>(this.tokens.get(token));
    for (const account of accountIds) {
      for (const ws of this.monitored.get(account) ?? []) out.add(ws);
    }
    return out;
  }
}
