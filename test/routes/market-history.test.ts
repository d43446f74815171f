import { describe, expect, it } from "vitest";
import { compareDecimal } from "../../src/services/market/decimal";
import type { Ohlcv } from "../../src/services/market/intervals";
import { asHistory, candleItems, realCandles, realSlice } from "../fixtures/candles";
import { get, ingest } from "../fixtures/market";

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();

type Candle = { timestamp: string; open: string; high: string; low: string; close: string; volume: string };

/** Ingests candles in bodies under the 1 MiB limit. */
async function ingestAll(symbol: string, interval: "1m" | "5m" | "1h" | "1d", rows: readonly Ohlcv[]) {
  for (let i = 0; i < rows.length; i += 4000) {
    const res = await ingest({ exchange: "binance", candles: candleItems(symbol, interval, rows.slice(i, i + 4000)) });
    expect(res.body.rejected).toEqual([]);
  }
}

/** Follows next_cursor to the end; returns the page sizes and all candles in time order. */
async function walk(path: string, query: Record<string, string>): Promise<{ sizes: number[]; candles: Candle[] }> {
  const pages: Candle[][] = [];
  let params = new URLSearchParams(query);
  for (let i = 0; i < 50; i++) {
    const { status, body } = await get(`${path}?${params}`);
    expect(status).toBe(200);
    pages.push(body.data);
    if (body.next_cursor === null) break;
    params = new URLSearchParams({ ...query, cursor: body.next_cursor });
  }
  // Without start, pages go back in time.
  if (query.start === undefined) pages.reverse();
  return { sizes: pages.map((p) => p.length), candles: pages.flat() };
}

/** Asserts an aggregated daily candle equals the real one: same numbers (files differ in spelling, "47570" vs "47570.0"). */
function expectSameDay(candle: Candle, real: Ohlcv) {
  expect(candle.timestamp).toBe(iso(real.open_time));
  for (const field of ["open", "high", "low", "close"] as const) {
    expect(
      compareDecimal(candle[field], real[field]),
      `${candle.timestamp} ${field}: ${candle[field]} vs ${real[field]}`,
    ).toBe(0);
  }
  // Volume: equal to rounding (in these files it is exact).
  expect(Math.abs(Number(candle.volume) - Number(real.volume)), candle.timestamp).toBeLessThan(1e-6);
  expect(compareDecimal(candle.volume, real.volume), candle.timestamp).toBe(0);
}

describe("history aggregated from finer candles", () => {
  it("aggregates stored 1h candles into the real 1d candles when no 1d candles are stored", async () => {
    const from = Date.parse("2025-03-01T00:00:00Z");
    const to = from + 10 * DAY;
    await ingestAll("ETH-USDT", "1h", realSlice("ETH-USDT", "1h", from, to));
    const res = await get(`/api/v1/market/history/ETH-USDT?interval=1d&start=${iso(from)}&end=${iso(to - 1)}`);
    expect(res.status).toBe(200);
    const realDays = realSlice("ETH-USDT", "1d", from, to);
    expect(realDays).toHaveLength(10);
    expect(res.body.data).toHaveLength(10);
    for (const [i, candle] of (res.body.data as Candle[]).entries()) expectSameDay(candle, realDays[i] as Ohlcv);
    expect(res.body.next_cursor).toBeNull();
  });

  it("serves stored 1d candles as stored and aggregates only the days that have none", async () => {
    const from = Date.parse("2022-01-01T00:00:00Z");
    const hours = realSlice("BTC-USDT", "1h", from, from + 4 * DAY);
    await ingestAll("BTC-USDT", "1h", hours);
    // A hand-made daily candle for day 2 (unlike the real one) shows which source was used.
    const handMade = { open_time: from + DAY, open: "1", high: "3", low: "0.5", close: "2", volume: "7" };
    await ingestAll("BTC-USDT", "1d", [handMade]);
    const res = await get(`/api/v1/market/history/BTC-USDT?interval=1d&start=${iso(from)}&limit=10`);
    const realDays = realSlice("BTC-USDT", "1d", from, from + 4 * DAY);
    expect(res.body.data).toHaveLength(4);
    expectSameDay(res.body.data[0], realDays[0] as Ohlcv);
    expect(res.body.data[1]).toEqual(asHistory(handMade));
    expectSameDay(res.body.data[2], realDays[2] as Ohlcv);
    expectSameDay(res.body.data[3], realDays[3] as Ohlcv);
  });

  it("aggregates 1m candles into 5m and 1h buckets aligned to UTC", async () => {
    // A hand-made 1m series over 12:03-12:11 (gaps allowed); expectations worked out by hand.
    const t = (hhmm: string) => Date.parse(`2025-05-05T${hhmm}:00Z`);
    const minutes: Ohlcv[] = [
      { open_time: t("12:03"), open: "10", high: "10.5", low: "9.8", close: "10.2", volume: "1.25" },
      { open_time: t("12:04"), open: "10.2", high: "10.9", low: "10.1", close: "10.8", volume: "2" },
      { open_time: t("12:05"), open: "10.8", high: "11", low: "10.7", close: "10.75", volume: "0.5" },
      { open_time: t("12:07"), open: "10.75", high: "10.8", low: "9.5", close: "9.9", volume: "4.125" },
      { open_time: t("12:11"), open: "9.9", high: "10", low: "9.85", close: "9.95", volume: "1" },
    ];
    await ingestAll("TINY-USDT", "1m", minutes);
    const fiveMinutes = await get("/api/v1/market/history/TINY-USDT?interval=5m&start=2025-05-05T12:00:00Z");
    expect(fiveMinutes.body.data).toEqual([
      { timestamp: "2025-05-05T12:00:00.000Z", open: "10", high: "10.9", low: "9.8", close: "10.8", volume: "3.25" },
      { timestamp: "2025-05-05T12:05:00.000Z", open: "10.8", high: "11", low: "9.5", close: "9.9", volume: "4.625" },
      { timestamp: "2025-05-05T12:10:00.000Z", open: "9.9", high: "10", low: "9.85", close: "9.95", volume: "1" },
    ]);
    const hour = await get("/api/v1/market/history/TINY-USDT?interval=1h");
    expect(hour.body.data).toEqual([
      { timestamp: "2025-05-05T12:00:00.000Z", open: "10", high: "11", low: "9.5", close: "9.95", volume: "8.875" },
    ]);
  });

  it("pages through two years of hourly candles as real daily candles, forward and backward", async () => {
    const hours = realCandles("ETH-USDT", "1h").filter(
      (c) => c.open_time < Date.parse("2025-03-01T00:00:00Z") || c.open_time >= Date.parse("2025-03-11T00:00:00Z"),
    );
    await ingestAll("ETH-USDT", "1h", hours);
    const realDays = new Map(realCandles("ETH-USDT", "1d").map((c) => [iso(c.open_time), c]));

    const path = "/api/v1/market/history/ETH-USDT";
    const forward = await walk(path, { interval: "1d", start: "2024-05-13", limit: "1000" });
    // 10,000 hourly rows per request bound a page: 8 hours of 2024-05-13 plus 416 whole days,
    // and the cursor continues after them.
    expect(forward.sizes).toEqual([417, 314]);
    // 2024-05-13 (from 16:00) to 2026-05-13 (to 15:00): 731 UTC days, each exactly once.
    expect(forward.candles).toHaveLength(731);
    expect(new Set(forward.candles.map((c) => c.timestamp)).size).toBe(731);
    let compared = 0;
    for (const candle of forward.candles) {
      const real = realDays.get(candle.timestamp);
      const complete =
        candle.timestamp !== "2024-05-13T00:00:00.000Z" && candle.timestamp !== "2026-05-13T00:00:00.000Z";
      if (real && complete) {
        expectSameDay(candle, real);
        compared++;
      }
    }
    expect(compared).toBe(728);

    const backward = await walk(path, { interval: "1d", limit: "1000" });
    expect(backward.sizes).toHaveLength(2);
    expect(Math.max(...backward.sizes)).toBeLessThan(1000);
    expect(backward.candles).toEqual(forward.candles);
  });
});
