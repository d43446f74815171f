import { afterEach, describe, expect, it } from "vitest";
import { ingest } from "../fixtures/market";
import { authHeader, tokenFor } from "../helpers";
import { type Client, connect } from "../ws-helpers";

const open: Client[] = [];
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

/** A fresh symbol per test, so tests never see each other's prices. */
const newSymbol = () =>
  `T${crypto
    .randomUUID()
    .slice(0, 8)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "0")}-USDT`;
const iso = (offsetMs = 0) => new Date(Date.now() - 60_000 + offsetMs).toISOString();

async function marketSocket(role: "developer" | "trader" = "developer"): Promise<Client> {
  const client = await connect("/ws/market", await authHeader(role, `usr_ws_${crypto.randomUUID()}`));
  open.push(client);
  return client;
}

/** Creates a symbol by ingesting one trade, so it can be subscribed to. */
async function createSymbol(symbol: string): Promise<void> {
  const res = await ingest({
    exchange: "binance",
    trades: [{ symbol, price: "1.00", size: "1", timestamp: iso(-1000) }],
  });
  expect(res.status).toBe(202);
}

describe("/ws/market: tickers", () => {
  it("delivers the ticker of a trade ingested after subscribing", async () => {
    const symbol = newSymbol();
    await createSymbol(symbol);
    const client = await marketSocket();
    expect(await client.request({ action: "subscribe", channel: "market", symbols: [symbol] })).toEqual({
      type: "subscribed",
      channel: "market",
      symbols: [symbol],
    });

    const timestamp = iso();
    const res = await ingest({ exchange: "binance", trades: [{ symbol, price: "65432.10", size: "0.25", timestamp }] });
    expect(res.body).toEqual({ accepted: 1, rejected: [] });

    expect(await client.nextText()).toBe(
      JSON.stringify({ type: "ticker", symbol, price: "65432.10", timestamp, volume: "0.25" }),
    );
  });

  it("stops delivering a symbol once unsubscribed, and keeps the others", async () => {
    const [kept, dropped] = [newSymbol(), newSymbol()];
    await createSymbol(kept);
    await createSymbol(dropped);
    const client = await marketSocket();
    await client.request({ action: "subscribe", channel: "market", symbols: [dropped, kept] });
    expect(await client.request({ action: "unsubscribe", channel: "market", symbols: [dropped] })).toEqual({
      type: "unsubscribed",
      channel: "market",
      symbols: [dropped],
    });

    // One publish carries both, the dropped symbol first: had it been delivered, it would come first.
    const timestamp = iso();
    await ingest({
      exchange: "binance",
      trades: [
        { symbol: dropped, price: "2.00", size: "1", timestamp },
        { symbol: kept, price: "3.00", size: "1", timestamp },
      ],
    });
    expect(await client.next()).toMatchObject({ type: "ticker", symbol: kept, price: "3.00" });
    expect(client.pending()).toEqual([]);
  });

  it("sends one copy to each subscriber, across accounts and rooms", async () => {
    const symbol = newSymbol();
    await createSymbol(symbol);
    const clients = await Promise.all(Array.from({ length: 6 }, () => marketSocket()));
    for (const client of clients) await client.request({ action: "subscribe", channel: "market", symbols: [symbol] });
    // Subscribing twice changes nothing: still one copy per socket.
    await clients[0]?.request({ action: "subscribe", channel: "market", symbols: [symbol] });

    await ingest({ exchange: "binance", trades: [{ symbol, price: "7.50", size: "2", timestamp: iso() }] });
    for (const client of clients) {
      expect(await client.next()).toMatchObject({ type: "ticker", symbol, price: "7.50", volume: "2" });
    }
    // A second trade arrives next on every socket: no duplicate of the first was queued.
    await ingest({ exchange: "binance", trades: [{ symbol, price: "7.60", size: "1", timestamp: iso(1) }] });
    for (const client of clients) expect(await client.next()).toMatchObject({ price: "7.60" });
  });

  it("answers a text ping with pong", async () => {
    const client = await marketSocket();
    client.send("ping");
    expect(await client.nextText()).toBe("pong");
    client.send("ping");
    expect(await client.nextText()).toBe("pong");
  });

  it("accepts a JWT in ?token= as browsers send it", async () => {
    const token = await tokenFor("developer", `usr_ws_${crypto.randomUUID()}`);
    const client = await connect(`/ws/market?token=${encodeURIComponent(token)}`);
    open.push(client);
    client.send("ping");
    expect(await client.nextText()).toBe("pong");
  });
});

describe("/ws/market: order books", () => {
  const book = (symbol: string, timestamp: string) => ({
    symbol,
    timestamp,
    bids: [
      ["99.5", "1"],
      ["100", "2"],
      ["98", "3"],
      ["97", "4"],
    ],
    asks: [
      ["101", "1"],
      ["103", "3"],
      ["102", "2"],
      ["104", "4"],
    ],
  });

  it("delivers a book cut to the subscribed depth, bids descending and asks ascending", async () => {
    const symbol = newSymbol();
    await createSymbol(symbol);
    const client = await marketSocket();
    expect(await client.request({ action: "subscribe", channel: "orderbook", symbol, depth: 2 })).toEqual({
      type: "subscribed",
      channel: "orderbook",
      symbol,
      depth: 2,
    });

    const timestamp = iso();
    expect((await ingest({ exchange: "binance", orderbooks: [book(symbol, timestamp)] })).body.accepted).toBe(1);
    expect(await client.nextText()).toBe(
      JSON.stringify({
        type: "orderbook",
        symbol,
        bids: [
          ["100", "2"],
          ["99.5", "1"],
        ],
        asks: [
          ["101", "1"],
          ["102", "2"],
        ],
        timestamp,
      }),
    );
  });

  it("gives each socket its own depth, defaulting to 10, and re-subscribing changes it", async () => {
    const symbol = newSymbol();
    await createSymbol(symbol);
    const [shallow, deep] = [await marketSocket(), await marketSocket()];
    await shallow.request({ action: "subscribe", channel: "orderbook", symbol, depth: 3 });
    expect(await deep.request({ action: "subscribe", channel: "orderbook", symbol })).toMatchObject({ depth: 10 });
    expect(await shallow.request({ action: "subscribe", channel: "orderbook", symbol, depth: 1 })).toMatchObject({
      depth: 1,
    });

    await ingest({ exchange: "binance", orderbooks: [book(symbol, iso())] });
    const [a, b] = [await shallow.next(), await deep.next()];
    expect([a.bids.length, a.asks.length]).toEqual([1, 1]);
    expect([b.bids.length, b.asks.length]).toEqual([4, 4]);
  });

  it("stops a book once unsubscribed", async () => {
    const symbol = newSymbol();
    await createSymbol(symbol);
    const client = await marketSocket();
    await client.request({ action: "subscribe", channel: "orderbook", symbol, depth: 5 });
    await client.request({ action: "subscribe", channel: "market", symbols: [symbol] });
    expect(await client.request({ action: "unsubscribe", channel: "orderbook", symbol })).toEqual({
      type: "unsubscribed",
      channel: "orderbook",
      symbol,
    });

    // The book is published before the ticker of the same ingest; only the ticker may arrive.
    const timestamp = iso();
    await ingest({
      exchange: "binance",
      orderbooks: [book(symbol, timestamp)],
      trades: [{ symbol, price: "100.5", size: "1", timestamp }],
    });
    expect(await client.next()).toMatchObject({ type: "ticker", symbol });
    expect(client.pending()).toEqual([]);
  });
});
