import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CRON_JOBS, runScheduled } from "../../src/cron";
import { listCandles } from "../../src/db/candles";
import { readPrice } from "../../src/db/market-prices";
import type { MarketUpdates } from "../../src/services/market/ingest";
import { MAX_REQUESTS_PER_RUN, pullUpstream } from "../../src/services/market/pull";
import { candleItems, realCandles } from "../fixtures/candles";
import { EXCHANGE_URL, fakeExchange } from "../fixtures/exchange";
import { ingest } from "../fixtures/market";

const upstreamEnv = (intervals = "1h") =>
  ({ ...env, MARKET_UPSTREAM_URL: EXCHANGE_URL, MARKET_UPSTREAM_INTERVALS: intervals }) as Env;

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

async function stored(symbol: string, interval: "1h" | "1d") {
  return listCandles(env.DB, { symbol, interval, limit: 100_000, order: "asc" });
}

describe("upstream pull (cron)", () => {
  it("is registered on the every-minute cron", () => {
    expect(CRON_JOBS["* * * * *"]?.map((job) => job.name)).toContain("market-upstream-pull");
  });

  it("does nothing without MARKET_UPSTREAM_URL", async () => {
    const exchange = fakeExchange();
    vi.stubGlobal("fetch", exchange.fetch);
    expect(await pullUpstream(env, async () => {})).toBeNull();
    expect(exchange.requests).toEqual([]);
  });

  it("resumes each series from the newest stored candle, across runs", async () => {
    const sol = realCandles("SOL-USDT", "1h");
    await ingest({ exchange: "binance", candles: candleItems("SOL-USDT", "1h", sol.slice(0, 100)) });
    const exchange = fakeExchange({ "SOLUSDT/1h": sol.slice(0, 1500) });
    vi.stubGlobal("fetch", exchange.fetch);
    const published: MarketUpdates[] = [];

    const now = Date.now();
    const first = await pullUpstream(upstreamEnv(), async (u) => void published.push(u), now);
    // Two pages, each starting with the newest candle already stored: 1000 + 402 written.
    expect(first).toEqual({ symbols: 1, candles: 1402, rejected: 0, tickers: 1, failures: 0 });
    const klines = exchange.requests.filter((u) => u.pathname === "/api/v3/klines");
    // Starts at the newest stored candle (re-read, it may have been in progress), then pages on.
    expect(klines.map((u) => Number(u.searchParams.get("startTime")))).toEqual([
      sol[99]?.open_time,
      sol[1098]?.open_time,
    ]);
    expect(klines.every((u) => u.searchParams.get("symbol") === "SOLUSDT")).toBe(true);
    const afterFirst = await stored("SOL-USDT", "1h");
    expect(afterFirst.map(({ symbol: _s, interval: _i, ...c }) => c)).toEqual(sol.slice(0, 1500));

    // The ticker is the live price, stamped with the pull time.
    const price = await readPrice(env.DB, "SOL-USDT");
    expect(price).toMatchObject({ price: sol[1499]?.close, price_time: now, exchange: "binance" });
    expect(published.flatMap((u) => u.tickers).at(-1)).toMatchObject({ symbol: "SOL-USDT", price: sol[1499]?.close });

    // The exchange moves on; the next run starts where this one stopped.
    exchange.series.set("SOLUSDT/1h", sol.slice(0, 1600));
    exchange.requests.length = 0;
    const second = await pullUpstream(upstreamEnv(), async () => {}, now + 60_000);
    expect(second).toMatchObject({ candles: 101, failures: 0 });
    expect(exchange.requests[0]?.searchParams.get("startTime")).toBe(String(sol[1499]?.open_time));
    expect(await stored("SOL-USDT", "1h")).toHaveLength(1600);
  });

  it("starts a series with nothing stored from the latest page", async () => {
    const btc = realCandles("BTC-USDT", "1d");
    await ingest({
      exchange: "binance",
      candles: candleItems("BTC-USDT", "1h", realCandles("BTC-USDT", "1h").slice(0, 2)),
    });
    const exchange = fakeExchange({ "BTCUSDT/1d": btc, "BTCUSDT/1h": realCandles("BTC-USDT", "1h").slice(0, 2) });
    vi.stubGlobal("fetch", exchange.fetch);
    await pullUpstream(upstreamEnv("1d"), async () => {});
    const first = exchange.requests.find((u) => u.pathname === "/api/v3/klines");
    expect(first?.searchParams.has("startTime")).toBe(false);
    expect(first?.searchParams.get("limit")).toBe("1000");
    const days = await stored("BTC-USDT", "1d");
    expect(days.map(({ symbol: _s, interval: _i, ...c }) => c)).toEqual(btc.slice(-1000));
  });

  it("logs an upstream 500 as a failure and leaves stored data untouched", async () => {
    const eth = realCandles("ETH-USDT", "1h").slice(0, 48);
    await ingest({ exchange: "binance", candles: candleItems("ETH-USDT", "1h", eth) });
    const before = { candles: await stored("ETH-USDT", "1h"), price: await readPrice(env.DB, "ETH-USDT") };
    const exchange = fakeExchange({ "ETHUSDT/1h": eth });
    exchange.failure = 500;
    vi.stubGlobal("fetch", exchange.fetch);
    const warn = vi.spyOn(console, "warn");

    const ctx = createExecutionContext();
    await runScheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), upstreamEnv(), ctx);
    await waitOnExecutionContext(ctx);

    expect(exchange.requests.length).toBeGreaterThan(0);
    const failures = warn.mock.calls
      .map((args) => JSON.parse(String(args[0])))
      .filter((l) => l.msg === "market_pull_failed");
    expect(failures).toContainEqual(
      expect.objectContaining({
        symbol: "ETH-USDT",
        code: "MARKET_002",
        details: expect.objectContaining({ upstream_status: 500 }),
      }),
    );
    // The log names the endpoint, never the upstream's address.
    expect(JSON.stringify(failures)).not.toContain("exchange.test");
    expect(await stored("ETH-USDT", "1h")).toEqual(before.candles);
    expect(await readPrice(env.DB, "ETH-USDT")).toEqual(before.price);
  });

  it("treats unreachable and garbled upstreams the same way, and skips invalid klines", async () => {
    // Later hours than the other tests of this file store.
    const eth = realCandles("ETH-USDT", "1h").slice(200, 248);
    await ingest({ exchange: "binance", candles: candleItems("ETH-USDT", "1h", eth.slice(0, 24)) });
    const before = await stored("ETH-USDT", "1h");
    for (const failure of ["network", "garbage"] as const) {
      const exchange = fakeExchange({ "ETHUSDT/1h": eth });
      exchange.failure = failure;
      vi.stubGlobal("fetch", exchange.fetch);
      const report = await pullUpstream(upstreamEnv(), async () => {});
      // Every symbol of this file's database is visited, and every one fails.
      expect(report?.failures).toBeGreaterThan(0);
      expect(report).toMatchObject({ failures: report?.symbols, candles: 0, tickers: 0 });
      expect(await stored("ETH-USDT", "1h")).toEqual(before);
    }
    // One kline whose high is below its close is refused; its neighbours are stored.
    const broken = eth.map((c, i) => (i === 30 ? { ...c, high: c.low } : c));
    vi.stubGlobal("fetch", fakeExchange({ "ETHUSDT/1h": broken }).fetch);
    const report = await pullUpstream(upstreamEnv(), async () => {});
    expect(report?.rejected).toBe(1);
    const after = await stored("ETH-USDT", "1h");
    expect(after.filter((c) => c.open_time >= (eth[0]?.open_time ?? 0))).toHaveLength(47);
    expect(after.find((c) => c.open_time === eth[30]?.open_time)).toBeUndefined();
  });

  it("keeps every run within its upstream request budget", async () => {
    const rows = realCandles("SOL-USDT", "1d").slice(0, 3);
    const symbols = Array.from({ length: 30 }, (_, i) => `S${i}-USDT`);
    await ingest({ exchange: "binance", candles: symbols.flatMap((s) => candleItems(s, "1d", rows)) });
    const exchange = fakeExchange(Object.fromEntries(symbols.map((s) => [`${s.replace("-", "")}/1d`, rows])));
    vi.stubGlobal("fetch", exchange.fetch);
    await pullUpstream(upstreamEnv("1d"), async () => {});
    expect(exchange.requests.length).toBeLessThanOrEqual(MAX_REQUESTS_PER_RUN);
    const firstRun = new Set(exchange.requests.map((u) => u.searchParams.get("symbol")));
    // The next run starts with the symbols the first one did not reach.
    exchange.requests.length = 0;
    await pullUpstream(upstreamEnv("1d"), async () => {});
    const secondRun = new Set(exchange.requests.map((u) => u.searchParams.get("symbol")));
    for (const symbol of symbols.map((s) => s.replace("-", ""))) {
      expect(firstRun.has(symbol) || secondRun.has(symbol), symbol).toBe(true);
    }
  });
});
