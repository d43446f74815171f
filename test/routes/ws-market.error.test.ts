import { afterEach, describe, expect, it } from "vitest";
import { SUBSCRIPTION_LIMITS } from "../../src/services/realtime/protocol";
import { ingest } from "../fixtures/market";
import { authHeader, call, expectError } from "../helpers";
import { type Client, connect, upgrade } from "../ws-helpers";

const open: Client[] = [];
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

async function marketSocket(): Promise<Client> {
  const client = await connect("/ws/market", await authHeader("developer", `usr_ws_${crypto.randomUUID()}`));
  open.push(client);
  return client;
}

const SYMBOL = "ERRTEST-USDT";
const error = (code: string) => ({ type: "error", error: { code, message: expect.any(String) } });

/** Proves the socket still works: a ping is still answered. */
async function stillOpen(client: Client): Promise<void> {
  client.send("ping");
  expect(await client.nextText()).toBe("pong");
  expect(client.isClosed).toBe(false);
}

describe("/ws/market: invalid messages get an error and keep the socket", () => {
  it("answers invalid JSON with validation_error and stays open", async () => {
    const client = await marketSocket();
    const reply = await client.request("{not json");
    expect(reply).toEqual(error("validation_error"));
    expect(Object.keys(reply.error)).toEqual(["code", "message"]);
    await stillOpen(client);
  });

  it.each([
    ["a JSON array", [1, 2]],
    ["an unknown action", { action: "listen", channel: "market", symbols: ["BTC-USDT"] }],
    ["an unknown channel", { action: "subscribe", channel: "trades", symbols: ["BTC-USDT"] }],
    ["the alerts channel", { action: "subscribe", channel: "anomalies" }],
    ["no symbols", { action: "subscribe", channel: "market" }],
    ["empty symbols", { action: "subscribe", channel: "market", symbols: [] }],
    ["a malformed symbol", { action: "subscribe", channel: "market", symbols: ["btc/usdt"] }],
    ["a non-string symbol", { action: "subscribe", channel: "market", symbols: [42] }],
    ["an orderbook without symbol", { action: "subscribe", channel: "orderbook", depth: 5 }],
    ["a zero depth", { action: "subscribe", channel: "orderbook", symbol: "BTC-USDT", depth: 0 }],
    ["a fractional depth", { action: "subscribe", channel: "orderbook", symbol: "BTC-USDT", depth: 2.5 }],
    ["a depth over 1000", { action: "subscribe", channel: "orderbook", symbol: "BTC-USDT", depth: 1001 }],
  ])("answers %s with validation_error", async (_name, message) => {
    const client = await marketSocket();
    expect(await client.request(message)).toEqual(error("validation_error"));
    await stillOpen(client);
  });

  it("says where the anomalies channel is served", async () => {
    const client = await marketSocket();
    const reply = await client.request({ action: "subscribe", channel: "anomalies" });
    expect(reply.error.message).toContain("/ws/alerts");
  });

  it("answers a binary frame with validation_error", async () => {
    const client = await marketSocket();
    client.ws.send(new Uint8Array([1, 2, 3]));
    expect(await client.next()).toEqual(error("validation_error"));
    await stillOpen(client);
  });

  it("answers an unknown symbol with MARKET_001 and subscribes to none of the list", async () => {
    const witness = "ERRWITNESS-USDT";
    const at = (ago: number) => new Date(Date.now() - ago).toISOString();
    await ingest({
      exchange: "binance",
      trades: [
        { symbol: SYMBOL, price: "1", size: "1", timestamp: at(120_000) },
        { symbol: witness, price: "1", size: "1", timestamp: at(120_000) },
      ],
    });
    const client = await marketSocket();
    const reply = await client.request({ action: "subscribe", channel: "market", symbols: [SYMBOL, "NOPE-USDT"] });
    expect(reply).toEqual(error("MARKET_001"));
    expect(reply.error.message).toContain("NOPE-USDT");
    const book = await client.request({ action: "subscribe", channel: "orderbook", symbol: "NOPE-USDT" });
    expect(book).toEqual(error("MARKET_001"));

    // The known symbol of the refused list was not subscribed: its ticker, published first, never comes.
    await client.request({ action: "subscribe", channel: "market", symbols: [witness] });
    await ingest({
      exchange: "binance",
      trades: [
        { symbol: SYMBOL, price: "2", size: "1", timestamp: at(60_000) },
        { symbol: witness, price: "2", size: "1", timestamp: at(60_000) },
      ],
    });
    expect(await client.next()).toMatchObject({ type: "ticker", symbol: witness });
    expect(client.pending()).toEqual([]);
  });

  it("refuses more subscriptions than a connection may hold, keeping the ones it has", async () => {
    const symbols = Array.from({ length: SUBSCRIPTION_LIMITS.symbols }, (_, i) => `LIM${i}-USDT`);
    await ingest({
      exchange: "binance",
      trades: symbols.map((symbol) => ({ symbol, price: "1", size: "1", timestamp: new Date().toISOString() })),
    });
    const client = await marketSocket();
    expect(await client.request({ action: "subscribe", channel: "market", symbols })).toMatchObject({
      type: "subscribed",
    });
    await ingest({
      exchange: "binance",
      trades: [{ symbol: "LIMX-USDT", price: "1", size: "1", timestamp: new Date().toISOString() }],
    });
    const reply = await client.request({ action: "subscribe", channel: "market", symbols: ["LIMX-USDT"] });
    expect(reply).toEqual(error("validation_error"));
    expect(reply.error.message).toContain(`at most ${SUBSCRIPTION_LIMITS.symbols}`);
    expect(await client.request({ action: "subscribe", channel: "market", symbols: Array(101).fill("A-B") })).toEqual(
      error("validation_error"),
    );
    await stillOpen(client);
  });

  it("drops messages beyond 10 per second (bursts of 20) with rate_limit_exceeded", async () => {
    const client = await marketSocket();
    for (let i = 0; i < 40; i++) client.send("{}");
    const replies = [];
    for (let i = 0; i < 40; i++) replies.push(await client.next());
    const limited = replies.filter((r) => r.error.code === "rate_limit_exceeded").length;
    expect(limited).toBeGreaterThanOrEqual(10);
    expect(replies.filter((r) => r.error.code === "validation_error").length).toBe(40 - limited);
    await stillOpen(client);
  });
});

describe("/ws/market: oversize messages", () => {
  it("closes the socket with 1009 for a message over 1 MiB", async () => {
    const client = await marketSocket();
    client.send("x".repeat(1024 * 1024 + 1));
    expect((await client.closeEvent()).code).toBe(1009);
  });

  it("counts UTF-8 bytes: 400,000 three-byte characters are over 1 MiB", async () => {
    const client = await marketSocket();
    client.send("€".repeat(400_000));
    expect((await client.closeEvent()).code).toBe(1009);
  });

  it("keeps the socket for a message of exactly 1 MiB (answered as invalid JSON)", async () => {
    const client = await marketSocket();
    client.send("x".repeat(1024 * 1024));
    expect(await client.next()).toEqual(error("validation_error"));
    await stillOpen(client);
  });
});

describe("/ws/market: the upgrade request", () => {
  it("answers a plain GET (no Upgrade header) with 400 validation_error", async () => {
    const res = await upgrade("/ws/market", { ...(await authHeader("developer")), Upgrade: "h2c" });
    expect(res.webSocket).toBeNull();
    const err = await expectError(res, 400, "validation_error");
    expect(err.details.issues).toEqual([{ path: "header.upgrade", message: 'expected "websocket"' }]);
  });

  it("answers other methods with 404 not_found, like any unknown route", async () => {
    const res = await call("/ws/market", { method: "POST", headers: await authHeader("developer") });
    await expectError(res, 404, "not_found");
  });
});
