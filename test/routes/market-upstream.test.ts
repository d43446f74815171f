import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { readPrice } from "../../src/db/market-prices";
import { candleItems, realCandles } from "../fixtures/candles";
import { EXCHANGE_URL, fakeExchange } from "../fixtures/exchange";
import { get, ingest } from "../fixtures/market";
import { BASE, expectError, json } from "../helpers";

const upstreamEnv = { ...env, MARKET_UPSTREAM_URL: EXCHANGE_URL } as Env;
const app = createApp();
const SOL = realCandles("SOL-USDT", "1h");

/** A request to the app configured with the fake exchange as its upstream. */
async function withUpstream(path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.request(`${BASE}${path}`, {}, upstreamEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

beforeAll(async () => {
  // Historical candles: their prices are far older than MARKET_PRICE_MAX_AGE_SECONDS.
  for (const symbol of ["SOL-USDT", "FAIL-USDT", "DOWN-USDT", "FRESH-USDT"]) {
    await ingest({ exchange: "binance", candles: candleItems(symbol, "1h", SOL.slice(0, 48)) });
  }
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("GET /api/v1/market/price/{symbol} with an upstream exchange", () => {
  it("refreshes a stale price from the exchange's ticker", async () => {
    const exchange = fakeExchange({ "SOLUSDT/1h": SOL.slice(0, 500) });
    vi.stubGlobal("fetch", exchange.fetch);
    const before = Date.now();
    const res = await withUpstream("/api/v1/market/price/SOL-USDT");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ symbol: "SOL-USDT", price: SOL[499]?.close, exchange: "binance" });
    expect(Date.parse(body.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    // The ticker keeps the volume of the last candle (a ticker carries none).
    expect(body.volume).toBe(SOL[47]?.volume);
    expect(exchange.requests.map((u) => `${u.pathname}?${u.searchParams}`)).toEqual([
      "/api/v3/ticker/price?symbol=SOLUSDT",
    ]);
    // Stored: a reader without the upstream sees the same price.
    expect((await get("/api/v1/market/price/SOL-USDT")).body).toEqual(body);
  });

  it("answers 502 MARKET_002 when the exchange fails, and stored data stays as it was", async () => {
    const before = {
      price: await readPrice(env.DB, "FAIL-USDT"),
      history: (await get("/api/v1/market/history/FAIL-USDT?interval=1h&limit=1000")).body,
    };
    const exchange = fakeExchange({ "FAILUSDT/1h": SOL.slice(0, 500) });
    exchange.failure = 500;
    vi.stubGlobal("fetch", exchange.fetch);

    const error = await expectError(await withUpstream("/api/v1/market/price/FAIL-USDT"), 502, "MARKET_002");
    expect(error.details).toMatchObject({ endpoint: "/api/v3/ticker/price", upstream_status: 500 });
    expect(error.message).not.toContain("exchange.test");
    expect(await readPrice(env.DB, "FAIL-USDT")).toEqual(before.price);
    expect((await get("/api/v1/market/history/FAIL-USDT?interval=1h&limit=1000")).body).toEqual(before.history);
    expect(before.history.data).toHaveLength(48);

    // Right after a failure the exchange is not asked again for a moment: still 502, no request.
    const requests = exchange.requests.length;
    await expectError(await withUpstream("/api/v1/market/price/FAIL-USDT"), 502, "MARKET_002");
    expect(exchange.requests.length).toBe(requests);
  });

  it("answers 502 MARKET_002 when the exchange cannot be reached", async () => {
    const exchange = fakeExchange();
    exchange.failure = "network";
    vi.stubGlobal("fetch", exchange.fetch);
    await expectError(await withUpstream("/api/v1/market/price/DOWN-USDT"), 502, "MARKET_002");
    expect(exchange.requests.length).toBe(1);
  });

  it("serves a fresh price without asking the exchange", async () => {
    // A trade just now, at a real SOL close.
    const now = new Date().toISOString();
    await ingest({
      exchange: "binance",
      trades: [{ symbol: "FRESH-USDT", price: SOL[47]?.close, size: "2", timestamp: now }],
    });
    const exchange = fakeExchange();
    exchange.failure = 500;
    vi.stubGlobal("fetch", exchange.fetch);
    const res = await withUpstream("/api/v1/market/price/FRESH-USDT");
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ price: SOL[47]?.close, volume: "2" });
    expect(exchange.requests).toEqual([]);
  });

  it("still answers 404 MARKET_001 for a symbol it does not know, without asking the exchange", async () => {
    const exchange = fakeExchange();
    vi.stubGlobal("fetch", exchange.fetch);
    await expectError(await withUpstream("/api/v1/market/price/NOPE-USDT"), 404, "MARKET_001");
    expect(exchange.requests).toEqual([]);
  });
});
