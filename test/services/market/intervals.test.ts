import { describe, expect, it } from "vitest";
import { compareDecimal } from "../../../src/services/market/decimal";
import {
  aggregateBucket,
  aggregateCandles,
  bucketCeil,
  bucketStart,
  type Ohlcv,
} from "../../../src/services/market/intervals";
import { realCandles } from "../../fixtures/candles";

const DAY = 86_400_000;

describe("interval buckets", () => {
  it("aligns buckets to UTC boundaries", () => {
    const t = Date.parse("2024-05-13T16:42:07.123Z");
    expect(new Date(bucketStart(t, "1d")).toISOString()).toBe("2024-05-13T00:00:00.000Z");
    expect(new Date(bucketStart(t, "1h")).toISOString()).toBe("2024-05-13T16:00:00.000Z");
    expect(new Date(bucketStart(t, "5m")).toISOString()).toBe("2024-05-13T16:40:00.000Z");
    expect(new Date(bucketCeil(t, "1d")).toISOString()).toBe("2024-05-14T00:00:00.000Z");
    expect(bucketCeil(Date.parse("2024-05-13T00:00:00Z"), "1d")).toBe(Date.parse("2024-05-13T00:00:00Z"));
  });
});

describe("aggregation", () => {
  it("takes the first open, last close, highest high, lowest low and the sum of volumes, in time order", () => {
    // A hand-made series, given out of order; the expected values are read off by eye.
    const rows: Ohlcv[] = [
      { open_time: 120_000, open: "10.5", high: "12", low: "10.1", close: "11.9", volume: "0.25" },
      { open_time: 0, open: "10", high: "10.8", low: "9.95", close: "10.4", volume: "1.5" },
      { open_time: 60_000, open: "10.4", high: "10.45", low: "9.9", close: "10.5", volume: "2.25" },
    ];
    expect(aggregateBucket(rows, 0)).toEqual({
      open_time: 0,
      open: "10",
      high: "12",
      low: "9.9",
      close: "11.9",
      volume: "4",
    });
  });

  it("compares prices as numbers, not as text", () => {
    const rows: Ohlcv[] = [
      { open_time: 0, open: "9.5", high: "9.9", low: "9.1", close: "9.8", volume: "1" },
      { open_time: 60_000, open: "9.8", high: "10.2", low: "9.7", close: "10.1", volume: "1" },
    ];
    // As text "9.9" > "10.2" and "10.1" < "9.1"; as numbers the opposite.
    const candle = aggregateBucket(rows, 0);
    expect(candle.high).toBe("10.2");
    expect(candle.low).toBe("9.1");
  });

  it("aggregates the real ETH-USDT hourly candles to exactly the real daily candles", () => {
    const hourly = realCandles("ETH-USDT", "1h");
    const daily = new Map(realCandles("ETH-USDT", "1d").map((c) => [c.open_time, c]));
    const aggregated = aggregateCandles(hourly, "1d");
    const complete = aggregated.filter(
      (day) => hourly.filter((h) => h.open_time >= day.open_time && h.open_time < day.open_time + DAY).length === 24,
    );
    // 2024-05-15 .. 2026-05-12 have all 24 hours in the hourly file and a daily candle.
    const compared = complete.filter((day) => daily.has(day.open_time));
    expect(compared.length).toBe(728);
    for (const day of compared) {
      const real = daily.get(day.open_time) as Ohlcv;
      const when = new Date(day.open_time).toISOString();
      expect([day.open, day.high, day.low, day.close], when).toEqual([real.open, real.high, real.low, real.close]);
      // Volume: equal to rounding (here it happens to be exact).
      expect(Math.abs(Number(day.volume) - Number(real.volume)), when).toBeLessThan(1e-6);
      expect(compareDecimal(day.volume, real.volume), when).toBe(0);
    }
  });

  it("refuses to aggregate an empty bucket", () => {
    expect(() => aggregateBucket([], 0)).toThrow(RangeError);
  });
});
