import { describe, expect, it } from "vitest";
import btcDaily from "../../../data/candles/BTCUSDT-1d.csv?raw";
import { ApiError } from "../../../src/errors";
import { computeRisk, formatRisk, RISK_METHOD_DESCRIPTION, tailCount } from "../../../src/services/analysis/risk";

// 30 daily log returns, deliberately unsorted. They sum to 0, so the latest close is back at 100.
// Worst three by eye: -0.08, -0.05, -0.04; then 17 × +0.01 and 10 × 0.
const RETURNS = [
  0.01, 0, -0.05, 0.01, 0.01, 0, 0.01, -0.08, 0.01, 0.01, 0, 0.01, 0.01, -0.04, 0.01, 0, 0.01, 0.01, 0, 0.01, 0.01, 0,
  0.01, 0.01, 0, 0.01, 0, 0.01, 0, 0,
];

function pricesFrom(returns: number[], start = 100): number[] {
  const prices = [start];
  let log = Math.log(start);
  for (const r of returns) {
    log += r;
    prices.push(Math.exp(log));
  }
  return prices;
}

function riskError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected an ApiError");
}

describe("computeRisk on a hand-checked series", () => {
  const closes = pricesFrom(RETURNS);

  it("takes the 2nd worst day as the 95 % VaR of 30 returns and averages the 2 worst for ES", () => {
    // k = ceil(30 × 0.05) = ceil(1.5) = 2 → VaR = 100 × (1 − e^−0.05) = 4.87706
    // ES = 100 × ((1 − e^−0.08) + (1 − e^−0.05)) / 2 = 100 × (0.0768837 + 0.0487706) / 2 = 6.28271
    const risk = computeRisk(closes, 30, 0.95);
    expect(risk.tailDays).toBe(2);
    expect(risk.latestPrice).toBeCloseTo(100, 9);
    expect(risk.valueAtRisk).toBeCloseTo(4.877057549928598, 9);
    expect(risk.expectedShortfall).toBeCloseTo(6.282711455632511, 9);
  });

  it("takes the 3rd worst day at 90 % confidence", () => {
    // k = ceil(30 × 0.1) = 3 → VaR = 100 × (1 − e^−0.04) = 3.92106; ES = mean of the 3 worst = 5.49549
    const risk = computeRisk(closes, 30, 0.9);
    expect(risk.tailDays).toBe(3);
    expect(risk.valueAtRisk).toBeCloseTo(3.9210560847676823, 9);
    expect(risk.expectedShortfall).toBeCloseTo(5.495492998677569, 9);
  });

  it("annualises the sample standard deviation with √365", () => {
    // mean 0, Σr² = 0.0064 + 0.0025 + 0.0016 + 17 × 0.0001 = 0.0122 → sd = √(0.0122 / 29); × √365
    expect(computeRisk(closes, 30, 0.95).volatility).toBeCloseTo(Math.sqrt(0.0122 / 29) * Math.sqrt(365), 12);
    expect(computeRisk(closes, 30, 0.95).volatility).toBeCloseTo(0.3918567648234887, 9);
  });

  it("formats amounts with the precision of the price and volatility with six decimals", () => {
    expect(formatRisk(computeRisk(closes, 30, 0.95))).toEqual({
      var_95: "4.877",
      expected_shortfall: "6.283",
      volatility: "0.391857",
    });
  });

  it("uses only the last window + 1 closes", () => {
    const withOldCrash = [500, 1, ...closes];
    expect(computeRisk(withOldCrash, 30, 0.95)).toEqual(computeRisk(closes, 30, 0.95));
  });

  it("reports no loss when even the tail quantile is a gain", () => {
    const risk = computeRisk(pricesFrom(new Array(30).fill(0.01)), 30, 0.95);
    expect(risk.valueAtRisk).toBe(0);
    expect(risk.expectedShortfall).toBe(0);
    expect(formatRisk(risk).var_95).toBe("0.000");
  });
});

describe("tailCount", () => {
  it("counts the tail without floating-point drift", () => {
    // 20 × (1 − 0.95) is 1.0000000000000009 in binary floating point, 40 × 0.05 is 2.0000000000000018.
    expect(tailCount(20, 0.95)).toBe(1);
    expect(tailCount(40, 0.95)).toBe(2);
    expect(tailCount(365, 0.95)).toBe(19);
    expect(tailCount(30, 0.999)).toBe(1);
  });
});

describe("computeRisk on the real BTC daily file", () => {
  // Independent computation: own CSV parsing, own returns, worst days picked by repeated scans.
  const closes = btcDaily
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => Number(line.split(",")[4]));

  function expected(window: number, k: number) {
    const recent = closes.slice(closes.length - window - 1);
    const returns: number[] = [];
    for (let i = 1; i < recent.length; i++) returns.push(Math.log((recent[i] as number) / (recent[i - 1] as number)));
    const remaining = [...returns];
    const worst: number[] = [];
    while (worst.length < k) {
      let at = 0;
      for (let i = 1; i < remaining.length; i++) if ((remaining[i] as number) < (remaining[at] as number)) at = i;
      worst.push(remaining.splice(at, 1)[0] as number);
    }
    const price = recent[recent.length - 1] as number;
    const losses = worst.map((r) => price * (1 - Math.exp(r)));
    let sum = 0;
    for (const r of returns) sum += r;
    const m = sum / returns.length;
    let ss = 0;
    for (const r of returns) ss += (r - m) * (r - m);
    return {
      k,
      valueAtRisk: losses[k - 1] as number,
      expectedShortfall: losses.reduce((a, b) => a + b, 0) / k,
      volatility: Math.sqrt(ss / (returns.length - 1)) * Math.sqrt(365),
    };
  }

  // k = ceil(window × (1 − confidence)) worked out by hand: 18.25 → 19, 3.65 → 4, 3 → 3, 2 → 2.
  it.each([
    [365, 0.95, 19],
    [365, 0.99, 4],
    [30, 0.9, 3],
    [2000, 0.999, 2],
  ])("matches an independent computation for window %i at confidence %f (%i tail days)", (window, confidence, k) => {
    const want = expected(window, k);
    const got = computeRisk(closes, window, confidence);
    expect(got.tailDays).toBe(want.k);
    expect(got.valueAtRisk).toBeCloseTo(want.valueAtRisk, 6);
    expect(got.expectedShortfall).toBeCloseTo(want.expectedShortfall, 6);
    expect(got.volatility).toBeCloseTo(want.volatility, 10);
    expect(formatRisk(got)).toEqual({
      var_95: want.valueAtRisk.toFixed(2),
      expected_shortfall: want.expectedShortfall.toFixed(2),
      volatility: want.volatility.toFixed(6),
    });
    expect(got.expectedShortfall).toBeGreaterThanOrEqual(got.valueAtRisk);
  });
});

describe("computeRisk refuses what it cannot answer", () => {
  it("answers 422 insufficient_history with the numbers when there are too few candles", () => {
    const err = riskError(() => computeRisk(pricesFrom(new Array(9).fill(0.01)), 365, 0.95));
    expect(err.code).toBe("insufficient_history");
    expect(err.status).toBe(422);
    expect(err.message).toContain("366");
    expect(err.details).toEqual({ required_candles: 366, available_candles: 10, window: 365 });
  });

  it("needs window + 1 closes, not window", () => {
    const closes = pricesFrom(RETURNS); // 31 closes
    expect(() => computeRisk(closes, 30)).not.toThrow();
    expect(riskError(() => computeRisk(closes.slice(1), 30)).code).toBe("insufficient_history");
  });

  it("rejects a window or confidence outside the contract", () => {
    const closes = pricesFrom(new Array(2100).fill(0));
    expect(() => computeRisk(closes, 29)).toThrow(RangeError);
    expect(() => computeRisk(closes, 2001)).toThrow(RangeError);
    expect(() => computeRisk(closes, 30.5)).toThrow(RangeError);
    expect(() => computeRisk(closes, 365, 0.85)).toThrow(RangeError);
    expect(() => computeRisk(closes, 365, 1)).toThrow(RangeError);
    expect(() => computeRisk(closes, 365, Number.NaN)).toThrow(RangeError);
  });

  it("refuses non-finite or non-positive closes without echoing them", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 0, -5]) {
      const closes = pricesFrom(RETURNS);
      closes[10] = bad;
      const err = riskError(() => computeRisk(closes, 30));
      expect(err.code).toBe("internal_error");
      expect(err.message).not.toMatch(/NaN|Infinity|-5/);
    }
  });

  it("documents the quantile convention for the API description", () => {
    expect(RISK_METHOD_DESCRIPTION).toContain("ceil(n × (1 − c))");
    expect(RISK_METHOD_DESCRIPTION).toContain("√365");
  });
});
