/**
 * What one WebSocket connection is, and what it follows: kept in the socket's attachment so it
 * survives hibernation. Pure: applying a command returns a new value or the error to answer.
 */
import type { Principal } from "../../types";
import { type Command, type Endpoint, SUBSCRIPTION_LIMITS, type WsError } from "./protocol";

/** What a connection follows. `all_alerts`: every token its account monitors. */
export interface Subscriptions {
  symbols: string[];
  /** `[symbol, depth]` pairs, one per symbol. */
  orderbooks: Array<[string, number]>;
  all_alerts: boolean;
  token_addresses: string[];
}

/** One connection: who opened it, on which endpoint, until when, and what it follows. */
export interface Subscriber {
  /** Connection id (`wsc_…`), for logs. */
  id: string;
  endpoint: Endpoint;
  account_id: string;
  key_id: string | null;
  /** The JWT's session (refresh-token family); revoking it closes the socket. */
  session_id: string | null;
  tier: Principal["tier"];
  /** When the credential expires (epoch ms): the socket is closed then. Null: no expiry. */
  expires_at: number | null;
  /** The client's IP at the upgrade; absent on sockets opened before it was recorded. */
  ip?: string | null;
  connected_at: number;
  /** Last message received (epoch ms); pings answered while hibernated are read from the runtime. */
  last_seen: number;
  subs: Subscriptions;
}

/** A connection that follows nothing yet. */
export function emptySubscriptions(): Subscriptions {
  return { symbols: [], orderbooks: [], all_alerts: false, token_addresses: [] };
}

export type Applied = { ok: true; subs: Subscriptions } | { ok: false; error: WsError };

function tooMany(kind: string, limit: number, would: number): Applied {
  return {
    ok: false,
    error: {
      code: "validation_error",
      message: `A connection may follow at most ${limit} ${kind}; this would make ${would}. Unsubscribe some first.`,
    },
  };
}

/**
 * Applies a validated command to a connection's subscriptions, enforcing `SUBSCRIPTION_LIMITS`.
 * Subscribing twice is harmless; unsubscribing what is not followed is too. Re-subscribing an
 * order book changes its depth. Unsubscribing `anomalies` without addresses ends every alert
 * subscription of the connection.
 * @example applyCommand(emptySubscriptions(), { action: "subscribe", channel: "market", symbols: ["BTC-USDT"] })
 */
export function applyCommand(subs: Subscriptions, command: Command): Applied {
  switch (command.channel) {
    case "market": {
      const symbols = new Set(subs.symbols);
      for (const symbol of command.symbols) {
        if (command.action === "subscribe") symbols.add(symbol);
        else symbols.delete(symbol);
      }
      if (symbols.size > SUBSCRIPTION_LIMITS.symbols)
        return tooMany("symbols", SUBSCRIPTION_LIMITS.symbols, symbols.size);
      return { ok: true, subs: { ...subs, symbols: [...symbols] } };
    }
    case "orderbook": {
      const books = new Map(subs.orderbooks);
      if (command.action === "subscribe") books.set(command.symbol, command.depth);
      else books.delete(command.symbol);
      if (books.size > SUBSCRIPTION_LIMITS.orderbooks) {
        return tooMany("order books", SUBSCRIPTION_LIMITS.orderbooks, books.size);
      }
      return { ok: true, subs: { ...subs, orderbooks: [...books] } };
    }
    case "anomalies": {
      if (command.token_addresses === null) {
        return command.action === "subscribe"
          ? { ok: true, subs: { ...subs, all_alerts: true } }
          : { ok: true, subs: { ...subs, all_alerts: false, token_addresses: [] } };
      }
      const tokens = new Set(subs.token_addresses);
      for (const token of command.token_addresses) {
        if (command.action === "subscribe") tokens.add(token);
        else tokens.delete(token);
      }
      if (tokens.size > SUBSCRIPTION_LIMITS.token_addresses) {
        return tooMany("token addresses", SUBSCRIPTION_LIMITS.token_addresses, tokens.size);
      }
      return { ok: true, subs: { ...subs, token_addresses: [...tokens] } };
    }
  }
}
