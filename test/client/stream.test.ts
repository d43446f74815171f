import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { type ParapetStream, SessionEndedError, type StreamEvents } from "../../src/client";
import { StreamServerMessage } from "../../src/schemas/streams";
import { clientFor, registered } from "../client-helpers";
import { ingest } from "../fixtures/market";
import { type SocketLog, workerWebSocket } from "../stream-helpers";
import { roomOf } from "../ws-helpers";

const streams: ParapetStream[] = [];
afterEach(() => {
  for (const stream of streams.splice(0)) stream.close();
});

/** Resolves with `promise`, or fails naming `what` after 5 s (never reached when things work). */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within 5 s`)), 5_000);
  });
  return Promise.race([promise, timeout]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

async function trade(symbol: string, price: string): Promise<void> {
  const timestamp = new Date().toISOString();
  const result = await ingest({ exchange: "binance", trades: [{ symbol, price, size: "0.1", timestamp }] });
  expect(result.status).toBe(202);
}

/** Closes every socket of the account's room from the server side, as a restart or the room's sweep does. */
async function serverCloses(accountId: string, code: number, reason: string): Promise<number> {
  return runInDurableObject(roomOf(accountId), (_instance, state) => {
    const sockets = state.getWebSockets();
    for (const ws of sockets) ws.close(code, reason);
    return sockets.length;
  });
}

/** A logged-in client with a market stream through the Worker, following `symbol`. */
async function marketStream(symbol: string) {
  const { client, seen } = clientFor();
  const account = await registered(client, "developer");
  await client.auth.login(account.email, account.password);
  const sockets: SocketLog[] = [];
  const stream = client.stream("market", {
    WebSocket: workerWebSocket(sockets),
    reconnect: { baseDelayMs: 20, maxDelayMs: 100 },
  });
  streams.push(stream);
  const acknowledged = stream.once("subscribed");
  stream.subscribe({ channel: "market", symbols: [symbol] });
  expect(await within(acknowledged, "subscription ack")).toEqual({
    type: "subscribed",
    channel: "market",
    symbols: [symbol],
  });
  return { client, seen, stream, sockets, account };
}

describe("the stream helper against the real Worker", () => {
  it("delivers typed tickers for its subscription", async () => {
    await trade("STRM-USDT", "10.00");
    const { stream } = await marketStream("STRM-USDT");
    const ticker = stream.once("ticker");
    await trade("STRM-USDT", "10.50");
    const message = await within(ticker, "ticker");
    expect(message).toMatchObject({ type: "ticker", symbol: "STRM-USDT", price: "10.50" });
    expect(StreamServerMessage.safeParse(message).success).toBe(true);
  });

  it("reconnects and resubscribes after the server closes the socket", async () => {
    await trade("RSUB-USDT", "20.00");
    const { stream, sockets, account } = await marketStream("RSUB-USDT");
    const closed = stream.once("close");
    const reopened = stream.once("open");
    const resubscribed = stream.once("subscribed");
    expect(await serverCloses(account.user_id, 1012, "service restart")).toBe(1);

    const close: StreamEvents["close"] = await within(closed, "close event");
    expect(close.code).toBe(1012);
    expect(close.reconnectInMs).not.toBeNull();
    expect(await within(reopened, "reconnect")).toEqual({ reconnected: true });
    expect(await within(resubscribed, "resubscription ack")).toMatchObject({
      channel: "market",
      symbols: ["RSUB-USDT"],
    });
    expect(sockets).toHaveLength(2);
    expect(sockets[1]?.sent.map((m) => JSON.parse(m))).toEqual([
      { action: "subscribe", channel: "market", symbols: ["RSUB-USDT"] },
    ]);

    // The new socket really follows the symbol.
    const ticker = stream.once("ticker");
    await trade("RSUB-USDT", "20.25");
    expect(await within(ticker, "ticker after reconnect")).toMatchObject({ symbol: "RSUB-USDT", price: "20.25" });
  });

  it("re-sends only what is still subscribed", async () => {
    await trade("KEEP-USDT", "1.00");
    await trade("DROP-USDT", "1.00");
    const { stream, sockets, account } = await marketStream("KEEP-USDT");
    stream.subscribe({ channel: "market", symbols: ["DROP-USDT"] });
    stream.subscribe({ channel: "orderbook", symbol: "KEEP-USDT", depth: 5 });
    const dropped = stream.once("unsubscribed");
    stream.unsubscribe({ channel: "market", symbols: ["DROP-USDT"] });
    await within(dropped, "unsubscribe ack");
    const reopened = stream.once("open");
    await serverCloses(account.user_id, 1012, "service restart");
    await within(reopened, "reconnect");
    expect(sockets[1]?.sent.map((m) => JSON.parse(m))).toEqual([
      { action: "subscribe", channel: "market", symbols: ["KEEP-USDT"] },
      { action: "subscribe", channel: "orderbook", symbol: "KEEP-USDT", depth: 5 },
    ]);
  });

  it("renews the access token when the server ends the socket for its credential (4401)", async () => {
    await trade("RENW-USDT", "5.00");
    const { stream, sockets, account, seen } = await marketStream("RENW-USDT");
    const reopened = stream.once("open");
    await serverCloses(account.user_id, 4401, "credential ended");
    await within(reopened, "reconnect");
    expect(seen.filter((s) => s.path === "/api/v1/auth/refresh")).toHaveLength(1);
    const tokenOf = (url: string | undefined) => new URL(url ?? "http://x").searchParams.get("token");
    expect(tokenOf(sockets[1]?.url)).not.toBe(tokenOf(sockets[0]?.url));
  });

  it("stops for good when the session has ended, and says why", async () => {
    await trade("ENDS-USDT", "5.00");
    const { client, stream, sockets, account } = await marketStream("ENDS-USDT");
    const failure = stream.once("failure");
    const final = stream.once("close", (event) => event.reconnectInMs === null);
    // The session is revoked on the server (logout elsewhere); the room ends its sockets with 4401.
    const session = await client.session.get();
    await client.request("post", "/api/v1/auth/logout", {
      body: { refresh_token: session?.refresh_token ?? "" },
      auth: false,
    });
    await serverCloses(account.user_id, 4401, "credential ended");
    expect(await within(failure, "failure")).toBeInstanceOf(SessionEndedError);
    expect(await within(final, "final close")).toMatchObject({ code: 4401, reconnectInMs: null });
    expect(sockets).toHaveLength(1);
    expect(stream.connected).toBe(false);
  });

  it("pings on its interval and the server answers", async () => {
    const { client } = clientFor();
    const account = await registered(client, "developer");
    await client.auth.login(account.email, account.password);
    const sockets: SocketLog[] = [];
    const stream = client.stream("market", {
      WebSocket: workerWebSocket(sockets),
      pingIntervalMs: 30,
      pongTimeoutMs: 500,
    });
    streams.push(stream);
    await within(stream.once("open"), "open");
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(sockets[0]?.sent.filter((m) => m === "ping").length).toBeGreaterThanOrEqual(3);
    // Every ping was answered in time: still the first socket.
    expect(sockets).toHaveLength(1);
    expect(stream.connected).toBe(true);
  });
});

describe("the stream helper's own timing", () => {
  /** A socket that opens and then never answers anything, like a connection lost without a close. */
  function silentSockets(opened: string[]) {
    return class SilentSocket {
      readyState = 0;
      private onOpen: Array<(event: unknown) => void> = [];
      constructor(url: string) {
        opened.push(url);
        setTimeout(() => {
          this.readyState = 1;
          for (const fire of this.onOpen) fire({});
        }, 0);
      }
      send(): void {}
      close(): void {
        this.readyState = 3;
      }
      addEventListener(type: string, handler: (event: unknown) => void): void {
        if (type === "open") this.onOpen.push(handler);
      }
    };
  }

  it("takes a socket that answers no ping for dead and reconnects; close() stops it all", async () => {
    const opened: string[] = [];
    const { client } = clientFor({ apiKey: { key: "pk_test_silent" } });
    const stream = client.stream("alerts", {
      WebSocket: silentSockets(opened),
      pingIntervalMs: 20,
      pongTimeoutMs: 20,
      reconnect: { baseDelayMs: 10, maxDelayMs: 20 },
    });
    streams.push(stream);
    const dead = await within(stream.once("close"), "ping timeout");
    expect(dead).toMatchObject({ reason: "ping timeout" });
    expect(dead.reconnectInMs).not.toBeNull();
    await within(
      stream.once("open", (e) => e.reconnected),
      "reconnect",
    );
    expect(opened.length).toBeGreaterThanOrEqual(2);
    expect(new URL(opened[0] ?? "").searchParams.get("token")).toBe("pk_test_silent");
    expect(opened[0]).toMatch(/^wss:\/\/api\.parapet\.test\/ws\/alerts\?token=/);
    stream.close();
    const count = opened.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(opened).toHaveLength(count);
  });

  it("does not even try without a credential, and says so", async () => {
    const opened: string[] = [];
    const { client } = clientFor();
    const stream = client.stream("market", { WebSocket: silentSockets(opened) });
    streams.push(stream);
    const failure = stream.once("failure");
    const final = await within(stream.once("close"), "final close");
    expect(final.reconnectInMs).toBeNull();
    expect(await within(failure, "failure")).toMatchObject({ code: "session_missing" });
    expect(opened).toEqual([]);
  });
});
