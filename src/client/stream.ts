/**
 * `ParapetStream`: one logical subscription to `/ws/market` or `/ws/alerts` that outlives its
 * sockets. It pings every 30 s (the server closes sockets silent for 40 s), reconnects with
 * jittered backoff whenever a socket ends without `close()` being called, renews a session's
 * token when the server ends the socket for its credential (4401), and re-sends every active
 * subscription on each new socket.
 */
import { SessionEndedError } from "./errors";
import type { Schemas } from "./types";

export type StreamEndpoint = "market" | "alerts";

/** Any message the server sends (besides `pong`). */
export type StreamMessage = Schemas["StreamServerMessage"];
type Acknowledgement = Schemas["StreamMarketAck"] | Schemas["StreamOrderbookAck"] | Schemas["StreamAnomaliesAck"];
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A subscription: a client command without its `action`. */
export type Subscription = DistributiveOmit<Schemas["StreamClientMessage"], "action">;

/** What the helper needs of a WebSocket: the browser API, which `ws` (Node) implements too. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  // biome-ignore lint/suspicious/noExplicitAny: browser, ws and Workers events differ in type but not in the fields read.
  addEventListener(type: "open" | "message" | "close" | "error", listener: (event: any) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Events of a stream, with their payloads. */
export interface StreamEvents {
  /** A socket opened (`reconnected`: not the first); subscriptions have been re-sent. */
  open: { reconnected: boolean };
  /** Every server message. */
  message: StreamMessage;
  ticker: Schemas["StreamTicker"];
  orderbook: Schemas["StreamOrderbook"];
  anomaly_alert: Schemas["StreamAnomalyAlert"];
  subscribed: Acknowledgement;
  unsubscribed: Acknowledgement;
  /** The server refused a message (`{"type":"error"}`); the socket stays open. */
  error: Schemas["StreamError"];
  /** A socket ended; `reconnectInMs` is null when the stream is over (closed, or its session ended). */
  close: { code: number; reason: string; reconnectInMs: number | null };
  /** Something went wrong outside the protocol: a failed connect or token renewal. */
  failure: Error;
}

/** Options of a stream. */
export interface StreamOptions {
  /** The WebSocket class (default: the global one; Node 20 has none, so pass `ws`). */
  WebSocket?: WebSocketConstructor;
  /** Default 30 s, as the server expects. */
  pingIntervalMs?: number;
  /** A socket that answers nothing this long after a ping is taken for dead (default 10 s). */
  pongTimeoutMs?: number;
  /** Reconnect backoff: first step, cap, and attempts in a row before giving up (default forever). */
  reconnect?: { baseDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
  random?: () => number;
}

/** Where the stream gets its credential: a token for `?token=`, and a newer one when the server ended the last. */
export interface StreamCredentials {
  token(): Promise<string | undefined>;
  renew(staleToken: string): Promise<string | undefined>;
}

const OPEN = 1;
const CREDENTIAL_ENDED = 4401;
const MAX_LIST = 100;
const MESSAGE_EVENTS = new Set<string>(["ticker", "orderbook", "anomaly_alert", "error", "subscribed", "unsubscribed"]);

type Listener<K extends keyof StreamEvents> = (payload: StreamEvents[K]) => void;

/** The WebSocket URL of an endpoint: `http(s)` becomes `ws(s)`, the credential goes in `?token=`. */
export function streamUrl(baseUrl: string, endpoint: StreamEndpoint, token: string | undefined): string {
  const url = new URL(`${baseUrl}/ws/${endpoint}`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  if (token) url.searchParams.set("token", token);
  return url.toString();
}

function chunks(items: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < items.length; i += MAX_LIST) out.push(items.slice(i, i + MAX_LIST));
  return out;
}

/** A self-healing stream (see the module comment). Create it with `client.stream(…)`. */
export class ParapetStream {
  private readonly listeners = new Map<keyof StreamEvents, Set<(payload: never) => void>>();
  private readonly symbols = new Set<string>();
  private readonly books = new Map<string, number | undefined>();
  /** Followed tokens; `"all"`: every token the account monitors; null: none. */
  private tokens: Set<string> | "all" | null = null;
  private socket: WebSocketLike | null = null;
  private generation = 0;
  private failures = 0;
  private opened = false;
  private stopped = false;
  private token: string | undefined;
  private timers: Array<ReturnType<typeof setTimeout>> = [];
  private pinger: ReturnType<typeof setInterval> | undefined;
  private lastSeen = 0;
  private readonly WebSocketClass: WebSocketConstructor;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private readonly backoff: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number };
  private readonly random: () => number;

  constructor(
    private readonly baseUrl: string,
    readonly endpoint: StreamEndpoint,
    private readonly credentials: StreamCredentials,
    options: StreamOptions = {},
  ) {
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor)
      throw new TypeError("No WebSocket class: pass one in the options (in Node 20: import WebSocket from 'ws').");
    this.WebSocketClass = Ctor;
    this.pingIntervalMs = options.pingIntervalMs ?? 30_000;
    this.pongTimeoutMs = options.pongTimeoutMs ?? 10_000;
    this.backoff = {
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      maxAttempts: Number.POSITIVE_INFINITY,
      ...options.reconnect,
    };
    this.random = options.random ?? Math.random;
    void this.connect();
  }

  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof StreamEvents>(type: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** The next event of `type` (matching `predicate`, when given). */
  once<K extends keyof StreamEvents>(
    type: K,
    predicate?: (payload: StreamEvents[K]) => boolean,
  ): Promise<StreamEvents[K]> {
    return new Promise((resolve) => {
      const off = this.on(type, (payload) => {
        if (predicate && !predicate(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  /** Follows more symbols, books or tokens; kept across reconnects. */
  subscribe(subscription: Subscription): void {
    if (subscription.channel === "market") for (const s of subscription.symbols) this.symbols.add(s);
    else if (subscription.channel === "orderbook") this.books.set(subscription.symbol, subscription.depth);
    else if (!subscription.token_addresses) this.tokens = "all";
    else if (this.tokens !== "all") {
      const tokens = this.tokens ?? new Set<string>();
      for (const t of subscription.token_addresses) tokens.add(t);
      this.tokens = tokens;
    }
    this.sendCommand({ action: "subscribe", ...subscription });
  }

  /** Stops following; without `token_addresses`, ends every alert subscription. */
  unsubscribe(subscription: Subscription): void {
    if (subscription.channel === "market") for (const s of subscription.symbols) this.symbols.delete(s);
    else if (subscription.channel === "orderbook") this.books.delete(subscription.symbol);
    else if (!subscription.token_addresses) this.tokens = null;
    else if (this.tokens instanceof Set) for (const t of subscription.token_addresses) this.tokens.delete(t);
    this.sendCommand({ action: "unsubscribe", ...subscription });
  }

  /** The subscriptions re-sent on every new socket. */
  subscriptions(): Subscription[] {
    const out: Subscription[] = chunks([...this.symbols]).map((symbols) => ({ channel: "market" as const, symbols }));
    for (const [symbol, depth] of this.books) {
      out.push(depth === undefined ? { channel: "orderbook", symbol } : { channel: "orderbook", symbol, depth });
    }
    if (this.tokens === "all") out.push({ channel: "anomalies" });
    else if (this.tokens) {
      for (const token_addresses of chunks([...this.tokens])) out.push({ channel: "anomalies", token_addresses });
    }
    return out;
  }

  /** True while a socket is open. */
  get connected(): boolean {
    return this.socket?.readyState === OPEN;
  }

  /** Ends the stream for good: no reconnects. */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    this.generation++;
    try {
      socket?.close(1000, "client closed");
    } catch {
      // already closed
    }
    this.emit("close", { code: 1000, reason: "client closed", reconnectInMs: null });
  }

  private emit<K extends keyof StreamEvents>(type: K, payload: StreamEvents[K]): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) {
      try {
        (listener as Listener<K>)(payload);
      } catch {
        // A listener's own error must not break the stream.
      }
    }
  }

  private sendCommand(command: Schemas["StreamClientMessage"]): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(command));
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    let socket: WebSocketLike;
    try {
      this.token = await this.credentials.token();
      if (this.stopped || generation !== this.generation) return;
      if (this.token === undefined) {
        // Streams always need a credential: without one every upgrade would be refused, forever.
        throw new SessionEndedError({
          code: "session_missing",
          status: 0,
          message: "Streams need a credential: log in or use an API key.",
        });
      }
      socket = new this.WebSocketClass(streamUrl(this.baseUrl, this.endpoint, this.token));
    } catch (error) {
      this.emit("failure", error instanceof Error ? error : new Error(String(error)));
      this.scheduleReconnect(error instanceof SessionEndedError, 1006, "connect failed");
      return;
    }
    this.socket = socket;
    const current = () => generation === this.generation && !this.stopped;
    socket.addEventListener("open", () => {
      if (!current()) return;
      this.failures = 0;
      this.lastSeen = Date.now();
      for (const subscription of this.subscriptions()) this.sendCommand({ action: "subscribe", ...subscription });
      this.startPinging(socket, generation);
      this.emit("open", { reconnected: this.opened });
      this.opened = true;
    });
    socket.addEventListener("message", (event: { data: unknown }) => {
      if (!current()) return;
      this.lastSeen = Date.now();
      const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
      if (text === "pong") return;
      let message: StreamMessage;
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      this.emit("message", message);
      this.dispatch(message);
    });
    socket.addEventListener("error", (event: { message?: unknown; error?: unknown }) => {
      if (!current()) return;
      // A close follows; this only says why (e.g. "Unexpected server response: 401" from ws).
      const reason = event?.error instanceof Error ? event.error.message : event?.message;
      this.emit("failure", new Error(typeof reason === "string" && reason ? reason : "WebSocket error"));
    });
    socket.addEventListener("close", (event: { code?: number; reason?: string }) => {
      if (!current()) return;
      void this.onClosed(event.code ?? 1006, event.reason ?? "");
    });
  }

  private dispatch(message: StreamMessage): void {
    // Each server message type names its event; anything else only reaches `message` listeners.
    if (MESSAGE_EVENTS.has(message.type)) this.emit(message.type as keyof StreamEvents, message as never);
  }

  private async onClosed(code: number, reason: string): Promise<void> {
    this.clearTimers();
    this.socket = null;
    let sessionEnded = false;
    if (code === CREDENTIAL_ENDED && this.token !== undefined) {
      // The server ended the socket for its credential: get a newer one before reconnecting.
      try {
        await this.credentials.renew(this.token);
      } catch (error) {
        sessionEnded = error instanceof SessionEndedError;
        this.emit("failure", error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.scheduleReconnect(sessionEnded, code, reason);
  }

  private scheduleReconnect(final: boolean, code: number, reason: string): void {
    if (this.stopped) return;
    this.failures++;
    if (final || this.failures > this.backoff.maxAttempts) {
      this.stopped = true;
      this.clearTimers();
      this.emit("close", { code, reason, reconnectInMs: null });
      return;
    }
    const step = Math.min(this.backoff.maxDelayMs, this.backoff.baseDelayMs * 2 ** (this.failures - 1));
    const delay = Math.floor(step / 2 + (this.random() * step) / 2);
    this.emit("close", { code, reason, reconnectInMs: delay });
    this.timers.push(setTimeout(() => void this.connect(), delay));
  }

  private startPinging(socket: WebSocketLike, generation: number): void {
    this.pinger = setInterval(() => {
      if (generation !== this.generation || socket.readyState !== OPEN) return;
      const sentAt = Date.now();
      try {
        socket.send("ping");
      } catch {
        return;
      }
      this.timers.push(
        setTimeout(() => {
          if (generation !== this.generation || this.lastSeen >= sentAt) return;
          // No answer at all: the connection is dead even if no close arrived. Drop it and reconnect.
          this.generation++;
          try {
            socket.close(4000, "ping timeout");
          } catch {
            // already closed
          }
          void this.onClosed(1006, "ping timeout");
        }, this.pongTimeoutMs),
      );
    }, this.pingIntervalMs);
  }

  private clearTimers(): void {
    if (this.pinger !== undefined) clearInterval(this.pinger);
    this.pinger = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }
}
