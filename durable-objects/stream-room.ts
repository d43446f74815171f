import { DurableObject } from "cloudflare:workers";
import { getConfig } from "../src/config";
import { existingSymbols } from "../src/db/market-symbols";
import { logger } from "../src/lib/log";
import { unknownSymbol } from "../src/services/market/symbols";
import { countRateLimitRefusal, reportWebSocketConnections } from "../src/services/metrics";
import {
  ackMessage,
  CLOSE_CODES,
  type Command,
  type Endpoint,
  errorMessage,
  exceedsMessageLimit,
  type Parsed,
  parseCommand,
  type WsError,
} from "../src/services/realtime/protocol";
import type { AlertDelivery, MarketUpdates } from "../src/services/realtime/publish";
import { accountTag, endpointTag } from "../src/services/realtime/rooms";
import { type ConnectionSeed, parseSeed, SEED_HEADER } from "../src/services/realtime/seed";
import { applyCommand, emptySubscriptions, type Subscriber } from "../src/services/realtime/subscriptions";
import { Fanout, MessageBudget, send } from "./stream-fanout";
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
  private readonly budget = new MessageBudget(MESSAGE_BURST, MESSAGES_PER_SECOND);
  private readonly fanout = new Fanout();
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

  /** Fans market updates out to the sockets that follow them; returns how many messages were sent. */
  publishMarket(updates: MarketUpdates): number {
    return this.fanout.market(this.subscriptions(), updates);
  }

  /** Fans anomaly alerts out to the sockets that follow their token or their monitoring account. */
  publishAlerts(deliveries: AlertDelivery[]): number {
    return this.fanout.alerts(this.subscriptions(), deliveries);
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
    const parsed = this.read(ws, subscriber, message);
    // Answers leave in the order the messages came, even when a subscribe waits for D1.
    const previous = this.queues.get(ws) ?? Promise.resolve();
    const next = previous.then(() => (parsed.ok ? this.execute(ws, parsed.command) : reply(ws, parsed.error)));
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

  /** Decides at arrival whether a message is within the socket's budget and well-formed. */
  private read(ws: WebSocket, subscriber: Subscriber, message: string | ArrayBuffer): Parsed {
    if (!this.budget.take(ws, Date.now())) {
      countRateLimitRefusal(this.env, this.ctx, { reason: "rate_limit_exceeded", tier: subscriber.tier });
      const limits = `at most ${MESSAGES_PER_SECOND} messages per second (bursts of ${MESSAGE_BURST})`;
      return {
        ok: false,
        error: { code: "rate_limit_exceeded", message: `A socket may send ${limits}; this one was dropped.` },
      };
    }
    if (typeof message !== "string") {
      return { ok: false, error: { code: "validation_error", message: "Messages must be JSON text, not binary." } };
    }
    return parseCommand(subscriber.endpoint, message);
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

function reply(ws: WebSocket, error: WsError): void {
  send(ws, errorMessage(error));
}
