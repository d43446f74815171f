import { DurableObject } from "cloudflare:workers";
import { getConfig } from "../src/config";
import { existingSymbols } from "../src/db/market-symbols";
import { logger } from "../src/lib/log";
import { unknownSymbol } from "../src/services/market/symbols";
import { countRateLimitRefusal, reportWebSocketConnections } from "../src/services/metrics";
import { alertFrame, orderbookFrame, tickerFrame } from "../src/services/realtime/messages";
import {
  ackMessage,
  CLOSE_CODES,
  type Command,
  type Endpoint,
  errorMessage,
  exceedsMessageLimit,
  parseCommand,
  type WsError,
} from "../src/services/realtime/protocol";
import type { AlertDelivery, MarketUpdates } from "../src/services/realtime/publish";
import { accountTag, endpointTag } from "../src/services/realtime/rooms";
import { type ConnectionSeed, parseSeed, SEED_HEADER } from "../src/services/realtime/seed";
import { applyCommand, emptySubscriptions, type Subscriber } from "../src/services/realtime/subscriptions";
import { sweep } from "./stream-room-sweep";
import { SubscriptionIndex } from "./subscription-index";

/** How often a room with sockets looks for silent sockets and ended credentials. */
export const SWEEP_INTERVAL_MS = 4_000;
/** Client messages a socket may send at once, and per second after that; more get an error. */
const MESSAGE_BURST = 20;
const MESSAGES_PER_SECOND = 10;
/** A symbol seen to exist is trusted this long (symbols are never deleted; the bound keeps memory fresh). */
const KNOWN_SYMBOL_TTL_MS = 10 * 60_000;
/** Connection counts are reported this long after a change (one report for a burst of connects)… */
const REPORT_DELAY_MS = 1_000;
/** …and at least this often while the room holds sockets. */
const REPORT_INTERVAL_MS = 60_000;

/**
 * One WebSocket room: holds the sockets of the accounts hashed to it (README, "Real-time
 * streams"), on both endpoints. Built on the hibernation API: each socket's identity and
 * subscriptions live in its attachment, `ping` is answered by the runtime without waking the
 * object, and an in-memory index (rebuilt from the attachments after a wake) makes a publish
 * touch only the sockets that follow its symbol or token.
 */
export class StreamRoom extends DurableObject<Env> {
  /** The room's clock (epoch ms); tests move it to drive the idle sweep. */
  clock: () => number = () => Date.now();
  private index: SubscriptionIndex | null = null;
  /** Per-socket message chain, so one socket's commands apply and answer in order. */
  private readonly queues = new WeakMap<WebSocket, Promise<void>>();
  private readonly buckets = new WeakMap<WebSocket, { tokens: number; at: number }>();
  /** Newest published time per `ticker:SYMBOL` / `book:SYMBOL`, so a late publish never overtakes a newer one. */
  private readonly newest = new Map<string, number>();
  private readonly knownSymbols = new Map<string, number>();
  private lastReportAt = 0;
  private reportTimer: ReturnType<typeof setTimeout> | null = null;
  /** Whether the sweep alarm is known to be set (read from storage once per wake). */
  private sweeping = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** Accepts a WebSocket upgrade forwarded by the Worker, or refuses it when the account is at its cap. */
  override async fetch(request: Request): Promise<Response> {
    const seed = parseSeed(request.headers.get(SEED_HEADER));
    if (!seed || request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("bad room request", { status: 400 });
    }
    const limit = getConfig(this.env).WS_MAX_CONNECTIONS_PER_ACCOUNT;
    // Counted and accepted in one synchronous step: concurrent upgrades cannot overshoot the cap.
    const open = this.openCount(accountTag(seed.account_id));
    if (open >= limit) return Response.json({ refused: "connection_limit", limit, open }, { status: 429 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const subscriber = this.subscriberFrom(seed);
    this.ctx.acceptWebSocket(server, [endpointTag(seed.endpoint), accountTag(seed.account_id)]);
    server.serializeAttachment(subscriber);
    this.index?.add(server, subscriber);
    this.reportSoon();
    await this.ensureSweep();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Fans market updates out to the sockets that follow them (books, then tickers); returns how many messages were sent. */
  publishMarket(updates: MarketUpdates): number {
    const index = this.subscriptions();
    let sent = 0;
    for (const book of updates.orderbooks ?? []) {
      const sockets = index.bookSockets(book.symbol);
      if (!sockets?.size || !this.isNewest(`book:${book.symbol}`, book.timestamp)) continue;
      const frames = new Map<number, string>(); // one serialisation per distinct depth
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

  /** Fans anomaly alerts out to the sockets that follow their token or their monitoring account. */
  publishAlerts(deliveries: AlertDelivery[]): number {
    const index = this.subscriptions();
    let sent = 0;
    for (const delivery of deliveries) {
      const sockets = index.alertSockets(delivery.message.data.token_address, delivery.account_ids ?? []);
      if (sockets.size === 0) continue;
      const frame = alertFrame(delivery.message);
      for (const ws of sockets) sent += send(ws, frame);
    }
    return sent;
  }

  /** Open sockets per endpoint (tests, benchmarks, `/health`-style probes). */
  connections(): Record<Endpoint, number> {
    return { market: this.openCount(endpointTag("market")), alerts: this.openCount(endpointTag("alerts")) };
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (exceedsMessageLimit(message)) {
      this.closeSocket(ws, CLOSE_CODES.tooLarge, "Message larger than 1 MiB.");
      return;
    }
    const subscriber = ws.deserializeAttachment() as Subscriber | null;
    if (!subscriber) return; // forgotten: the room is closing it
    ws.serializeAttachment({ ...subscriber, last_seen: this.clock() });
    if (message === "ping") {
      ws.send("pong"); // normally answered by the runtime before reaching the object
      return;
    }
    if (!this.allowMessage(ws)) {
      countRateLimitRefusal(this.env, this.ctx, { reason: "rate_limit_exceeded", tier: subscriber.tier });
      reply(ws, {
        code: "rate_limit_exceeded",
        message: `At most ${MESSAGES_PER_SECOND} messages per second (bursts of ${MESSAGE_BURST}); this one was dropped.`,
      });
      return;
    }
    if (typeof message !== "string") {
      reply(ws, { code: "validation_error", message: "Messages must be JSON text, not binary." });
      return;
    }
    const parsed = parseCommand(subscriber.endpoint, message);
    if (!parsed.ok) {
      reply(ws, parsed.error);
      return;
    }
    const previous = this.queues.get(ws) ?? Promise.resolve();
    const next = previous.then(() => this.execute(ws, parsed.command));
    this.queues.set(ws, next);
    await next;
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.forget(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason); // complete the closing handshake
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.forget(ws);
  }

  /** Closes silent sockets and those whose credential ended; runs every `SWEEP_INTERVAL_MS` while sockets remain. */
  override async alarm(): Promise<void> {
    const closures = await sweep(this.env.DB, this.ctx, this.clock());
    for (const { ws, code, reason } of closures) this.closeSocket(ws, code, reason);
    if (Date.now() - this.lastReportAt >= REPORT_INTERVAL_MS) this.reportConnections();
    this.sweeping = this.ctx.getWebSockets().length > closures.length;
    if (this.sweeping) await this.ctx.storage.setAlarm(Date.now() + SWEEP_INTERVAL_MS);
  }

  /** Runs one validated command: checks symbols exist, applies it to the attachment, acknowledges. */
  private async execute(ws: WebSocket, command: Command): Promise<void> {
    try {
      if (command.action === "subscribe" && (command.channel === "market" || command.channel === "orderbook")) {
        const unknown = await this.unknownSymbols(command.channel === "market" ? command.symbols : [command.symbol]);
        if (unknown.length > 0) {
          const error = unknownSymbol(unknown[0] as string);
          const message = unknown.length === 1 ? error.message : `Unknown symbols ${unknown.join(", ")}.`;
          reply(ws, { code: "MARKET_001", message });
          return;
        }
      }
      // Read again after the await: the attachment is the truth and may have changed meanwhile.
      const before = ws.deserializeAttachment() as Subscriber | null;
      if (!before || ws.readyState !== WebSocket.OPEN) return;
      const applied = applyCommand(before.subs, command);
      if (!applied.ok) {
        reply(ws, applied.error);
        return;
      }
      const after: Subscriber = { ...before, subs: applied.subs };
      ws.serializeAttachment(after);
      this.index?.update(ws, before, after);
      ws.send(ackMessage(command));
    } catch (err) {
      logger.error("stream_command_failed", { error: err instanceof Error ? err.message : String(err) });
      reply(ws, { code: "internal_error", message: "The request could not be completed; try again." });
    }
  }

  /** The symbols of `symbols` that do not exist (MARKET_001), from a short-lived cache or one D1 query. */
  private async unknownSymbols(symbols: string[]): Promise<string[]> {
    const now = Date.now();
    const unchecked = symbols.filter((s) => (this.knownSymbols.get(s) ?? 0) <= now);
    if (unchecked.length === 0) return [];
    const found = await existingSymbols(this.env.DB, unchecked);
    for (const symbol of found) this.knownSymbols.set(symbol, now + KNOWN_SYMBOL_TTL_MS);
    return unchecked.filter((s) => !found.has(s));
  }

  private subscriberFrom(seed: ConnectionSeed): Subscriber {
    const now = this.clock();
    return {
      id: `wsc_${crypto.randomUUID().replaceAll("-", "")}`,
      ...seed,
      connected_at: now,
      last_seen: now,
      subs: emptySubscriptions(),
    };
  }

  private subscriptions(): SubscriptionIndex {
    this.index ??= SubscriptionIndex.build(this.ctx.getWebSockets());
    return this.index;
  }

  /** True when `timestamp` is not older than the newest already published under `key`. */
  private isNewest(key: string, timestamp: string): boolean {
    const time = Date.parse(timestamp);
    if (Number.isNaN(time)) return true;
    if (time < (this.newest.get(key) ?? Number.NEGATIVE_INFINITY)) return false;
    this.newest.set(key, time);
    return true;
  }

  /** Token bucket per socket, in memory: a socket that sent nothing for a while (or a woken room) starts full. */
  private allowMessage(ws: WebSocket): boolean {
    const now = Date.now();
    const bucket = this.buckets.get(ws) ?? { tokens: MESSAGE_BURST, at: now };
    bucket.tokens = Math.min(MESSAGE_BURST, bucket.tokens + ((now - bucket.at) / 1000) * MESSAGES_PER_SECOND);
    bucket.at = now;
    this.buckets.set(ws, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private closeSocket(ws: WebSocket, code: number, reason: string): void {
    this.forget(ws);
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
  }

  /** Drops a socket from the index and reports the new count. */
  private forget(ws: WebSocket): void {
    const subscriber = ws.deserializeAttachment() as Subscriber | null;
    if (subscriber) this.index?.remove(ws, subscriber);
    try {
      ws.serializeAttachment(null); // a forgotten socket counts nowhere, even while it finishes closing
    } catch {
      // already gone
    }
    this.reportSoon();
  }

  /** Sockets with this tag that are open and not forgotten. */
  private openCount(tag: string): number {
    let open = 0;
    for (const ws of this.ctx.getWebSockets(tag)) {
      if (ws.readyState === WebSocket.OPEN && ws.deserializeAttachment() !== null) open++;
    }
    return open;
  }

  private reportSoon(): void {
    this.reportTimer ??= setTimeout(() => {
      this.reportTimer = null;
      this.reportConnections();
    }, REPORT_DELAY_MS);
  }

  private reportConnections(): void {
    this.lastReportAt = Date.now();
    try {
      for (const channel of ["market", "alerts"] as const) {
        // The metrics keep one report per room id: each endpoint reports under its own.
        const room = `${this.ctx.id.toString()}:${channel}`;
        reportWebSocketConnections(this.env, this.ctx, { room, channel, active: this.openCount(endpointTag(channel)) });
      }
    } catch (err) {
      logger.warn("stream_report_failed", { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private async ensureSweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_INTERVAL_MS);
  }
}

function send(ws: WebSocket, frame: string): number {
  try {
    ws.send(frame);
    return 1;
  } catch {
    return 0; // closing: its close event removes it
  }
}

function reply(ws: WebSocket, error: WsError): void {
  send(ws, errorMessage(error));
}
