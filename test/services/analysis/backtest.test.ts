import { describe, expect, it } from "vitest";
import {
  backtestSeries,
  dieboldMarianoPValue,
  neweyWestLags,
  normalCdf,
} from "../../../src/services/analysis/backtest";
import { mulberry32, normalDraw } from "../../../src/services/analysis/prng";

function randomWalkPrices(n: number, seed: number, sd = 0.02): number[] {
  const rng = mulberry32(seed);
  const out = [50];
  for (let t = 1; t < n; t++) out.push((out[t - 1] as number) * Math.exp(sd * normalDraw(rng)));
  return out;
}

describe("Diebold-Mariano test", () => {
  it("uses the standard normal distribution", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.959964)).toBeCloseTo(0.025, 6);
  });

  it("widens the variance window for overlapping forecasts and long records", () => {
    expect(neweyWestLags(100, 1)).toBe(4);
    expect(neweyWestLags(100, 8)).toBe(7);
    expect(neweyWestLags(10_000, 1)).toBe(11);
  });

  it("is more cautious when the loss differential is autocorrelated", () => {
    const rng = mulberry32(6);
    let level = 0;
    const persistent = Array.from({ length: 400 }, () => {
      level = 0.95 * level + normalDraw(rng);
      return level + 0.3;
    });
    expect(dieboldMarianoPValue(persistent, 12)).toBeGreaterThan(dieboldMarianoPValue(persistent, 0));
  });

  it("finds no difference between identical losses and a clear one between shifted losses", () => {
    expect(dieboldMarianoPValue(new Array(100).fill(0), 0)).toBe(1);
    const rng = mulberry32(4);
    const noise = Array.from({ length: 500 }, () => normalDraw(rng));
    expect(dieboldMarianoPValue(noise, 0)).toBeGreaterThan(0.05);
    expect(
      dieboldMarianoPValue(
        noise.map((d) => d + 0.5),
        3,
      ),
    ).toBeLessThan(0.001);
  });
});

describe("backtestSeries", () => {
  const closes = randomWalkPrices(700, 9);
  const result = backtestSeries(closes, "1d", { statsRefit: 7, lstmRefit: 100, includeLstm: false });

  it("scores every model on the same origins against naive", () => {
    expect(result.scores.map((s) => s.model)).toEqual(["naive", "drift", "holt", "ar", "ensemble"]);
    const counts = new Set(result.scores.map((s) => s.count));
    expect(counts.size).toBe(1);
    expect(result.scores[0]?.count).toBe(result.lastOrigin - result.firstOrigin + 1);
    expect(result.scores[0]?.maeRatio).toBe(1);
    expect(result.scores[0]?.directional).toBeNaN();
  });

  it("reports an 80 % interval that covers about 80 % of a random walk", () => {
    for (const s of result.scores) {
      expect(s.coverage).toBeGreaterThan(0.7);
      expect(s.coverage).toBeLessThan(0.9);
    }
  });

  it("finds no model that reliably beats naive on a pure random walk", () => {
    for (const s of result.scores.slice(1)) {
      expect(s.maeRatio).toBeGreaterThan(0.97);
      expect(s.directional).toBeGreaterThan(0.4);
      expect(s.directional).toBeLessThan(0.6);
    }
  });

  it("scores the LSTM too when asked", () => {
    const withLstm = backtestSeries(randomWalkPrices(330, 10), "1d", {
      statsRefit: 7,
      lstmRefit: 100,
      includeLstm: true,
    });
    const lstm = withLstm.scores.find((s) => s.model === "lstm");
    expect(lstm?.count).toBe(withLstm.scores[0]?.count);
    expect(Number.isFinite(lstm?.mae)).toBe(true);
  });

  it("refuses a series too short to evaluate or with bad prices", () => {
    expect(() =>
      backtestSeries(randomWalkPrices(250, 1), "1d", { statsRefit: 7, lstmRefit: 30, includeLstm: false }),
    ).toThrow(RangeError);
    const bad = randomWalkPrices(700, 2);
    bad[3] = -1;
    expect(() => backtestSeries(bad, "1d", { statsRefit: 7, lstmRefit: 30, includeLstm: false })).toThrow(RangeError);
  });
});
