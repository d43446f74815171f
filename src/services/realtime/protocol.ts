/**
 * The client side of the WebSocket protocol (API.md "WebSockets"): parsing and validating what
 * a client sends, and the exact shape of what the server answers. Pure: no I/O, no clock.
 */
import type { ErrorCode } from "../../errors";
import { decodeSolanaAddress } from "../../lib/solana";
import { SYMBOL_PATTERN } from "../market/symbols";

/** The two WebSocket endpoints: `/ws/market` and `/ws/alerts`. */
export type Endpoint = "market" | "alerts";

/** Messages larger than this (UTF-8 bytes of a text frame, or a binary frame) close the socket with 1009. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/** A socket silent (no message, no `ping`) for longer than ping_interval + ping_timeout (30 s + 10 s) is closed. */
export const IDLE_TIMEOUT_MS = 40_000;

/** Close codes the server uses besides 1000. 4xxx are application codes (RFC 6455 §7.4.2). */
export const CLOSE_CODES = {
  /** A message over 1 MiB. */
  tooLarge: 1009,
  /** The credential expired or was revoked: reconnect with a fresh one. */
  credentialEnded: 4401,
  /** Silent for longer than `IDLE_TIMEOUT_MS`. */
  idle: 4408,
  /** The client's IP was blocked (by an admin or automatically) after the socket opened. */
  ipBlocked: 4403,
} as const;

/** Most subscriptions one connection may hold, per kind (they travel in a 16 KiB socket attachment). */
export const SUBSCRIPTION_LIMITS = { symbols: 100, orderbooks: 20, token_addresses: 100 } as const;

/** Order book depth bounds, as `GET /market/orderbook` (levels per side). */
export const DEFAULT_DEPTH = 10;
export const MAX_DEPTH = 1000;

/** Channels each endpoint serves. */
export const CHANNELS: Record<Endpoint, readonly string[]> = {
  market: ["market", "orderbook"],
  alerts: ["anomalies"],
};

/** A validated client request. `token_addresses: null` means every token the account monitors. */
export type Command =
  | { action: "subscribe" | "unsubscribe"; channel: "market"; symbols: string[] }
  | { action: "subscribe"; channel: "orderbook"; symbol: string; depth: number }
  | { action: "unsubscribe"; channel: "orderbook"; symbol: string }
  | { action: "subscribe" | "unsubscribe"; channel: "anomalies"; token_addresses: string[] | null };

/** An `error` message's payload. */
export interface WsError {
  code: ErrorCode;
  message: string;
}

export type Parsed = { ok: true; command: Command } | { ok: false; error: WsError };

const invalid = (message: string): Parsed => ({ ok: false, error: { code: "validation_error", message } });

/** True when a message is over `MAX_MESSAGE_BYTES` (UTF-8 bytes for text), encoding only strings near the limit. */
export function exceedsMessageLimit(message: string | ArrayBuffer): boolean {
  if (typeof message !== "string") return message.byteLength > MAX_MESSAGE_BYTES;
  // A UTF-16 unit takes 1 to 3 UTF-8 bytes, so only lengths in between need counting.
  if (message.length > MAX_MESSAGE_BYTES) return true;
  if (message.length * 3 <= MAX_MESSAGE_BYTES) return false;
  return new TextEncoder().encode(message).byteLength > MAX_MESSAGE_BYTES;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deduplicated string list, or the reason it is not one. */
function stringList(value: unknown, field: string, max: number): string[] | string {
  if (!Array.isArray(value)) return `${field} must be an array of strings.`;
  if (value.length === 0) return `${field} must not be empty.`;
  if (value.length > max) return `${field} may hold at most ${max} entries; got ${value.length}.`;
  if (!value.every((item) => typeof item === "string")) return `${field} must be an array of strings.`;
  return [...new Set(value as string[])];
}

const shown = (items: string[]) =>
  items
    .slice(0, 5)
    .map((s) => JSON.stringify(s.length > 48 ? `${s.slice(0, 48)}…` : s))
    .join(", ") + (items.length > 5 ? ` and ${items.length - 5} more` : "");

function parseSymbols(body: Record<string, unknown>): string[] | string {
  const list = stringList(body.symbols, "symbols", SUBSCRIPTION_LIMITS.symbols);
  if (typeof list === "string") return list;
  const bad = list.filter((s) => !SYMBOL_PATTERN.test(s));
  return bad.length > 0 ? `symbols must look like BTC-USDT; got ${shown(bad)}.` : list;
}

function parseSymbol(value: unknown): string | null {
  return typeof value === "string" && SYMBOL_PATTERN.test(value) ? value : null;
}

function parseTokens(body: Record<string, unknown>): string[] | null | string {
  if (body.token_addresses === undefined || body.token_addresses === null) return null;
  const list = stringList(body.token_addresses, "token_addresses", SUBSCRIPTION_LIMITS.token_addresses);
  if (typeof list === "string") return list;
  const bad = list.filter((a) => decodeSolanaAddress(a) === null);
  return bad.length > 0
    ? `token_addresses must be base58 Solana addresses that decode to 32 bytes; got ${shown(bad)}.`
    : list;
}

/**
 * Parses one text message into a command for this endpoint, or the `error` to answer with.
 * Unknown fields are ignored; symbols are checked for shape only (existence needs D1).
 * @example parseCommand("market", '{"action":"subscribe","channel":"market","symbols":["BTC-USDT"]}')
 */
export function parseCommand(endpoint: Endpoint, text: string): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return invalid("The message is not valid JSON.");
  }
  if (!isRecord(body)) return invalid("The message must be a JSON object with action and channel.");
  const { action, channel } = body;
  if (action !== "subscribe" && action !== "unsubscribe") {
    return invalid('action must be "subscribe" or "unsubscribe".');
  }
  const channels = CHANNELS[endpoint];
  if (typeof channel !== "string" || !channels.includes(channel)) {
    const other: Endpoint = endpoint === "market" ? "alerts" : "market";
    if (typeof channel === "string" && CHANNELS[other].includes(channel)) {
      return invalid(`The ${channel} channel is served on /ws/${other}.`);
    }
    return invalid(`channel must be ${channels.map((c) => `"${c}"`).join(" or ")} on /ws/${endpoint}.`);
  }
  if (channel === "market") {
    const symbols = parseSymbols(body);
    return typeof symbols === "string" ? invalid(symbols) : { ok: true, command: { action, channel, symbols } };
  }
  if (channel === "orderbook") {
    const symbol = parseSymbol(body.symbol);
    if (symbol === null) return invalid("symbol must be a string like BTC-USDT.");
    if (action === "unsubscribe") return { ok: true, command: { action, channel, symbol } };
    const depth = body.depth ?? DEFAULT_DEPTH;
    if (typeof depth !== "number" || !Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
      return invalid(`depth must be an integer from 1 to ${MAX_DEPTH} (default ${DEFAULT_DEPTH}).`);
    }
    return { ok: true, command: { action, channel, symbol, depth } };
  }
  const tokens = parseTokens(body);
  return typeof tokens === "string"
    ? invalid(tokens)
    : { ok: true, command: { action, channel: "anomalies", token_addresses: tokens } };
}

/** The `error` message (API.md): `{"type":"error","error":{code,message}}`. */
export function errorMessage(error: WsError): string {
  return JSON.stringify({ type: "error", error: { code: error.code, message: error.message } });
}

/** The acknowledgement of a command that was applied: the command echoed as `subscribed`/`unsubscribed`. */
export function ackMessage(command: Command): string {
  const type = command.action === "subscribe" ? "subscribed" : "unsubscribed";
  switch (command.channel) {
    case "market":
      return JSON.stringify({ type, channel: command.channel, symbols: command.symbols });
    case "orderbook":
      return JSON.stringify(
        command.action === "subscribe"
          ? { type, channel: command.channel, symbol: command.symbol, depth: command.depth }
          : { type, channel: command.channel, symbol: command.symbol },
      );
    case "anomalies":
      return JSON.stringify({ type, channel: command.channel, token_addresses: command.token_addresses });
  }
}
