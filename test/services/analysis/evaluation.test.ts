import { describe, expect, it } from "vitest";
import {
  confidenceFrom,
  directionalRecord,
  knownResiduals,
  residualInterval,
} from "../../../src/services/analysis/evaluation";
import { drift, naive } from "../../../src/services/analysis/forecasters/random-walk";
import { mulberry32, normalDraw } from "../../../src/services/analysis/prng";
import { walkForward } from "../../../src/services/analysis/walk-forward";

function randomWalk(n: number, sd: number, seed: number): number[] {
  const rng = mulberry32(seed);
  const y = [Math.log(100)];
  for (let t = 1; t < n; t++) y.push((y[t - 1] as number) + sd * normalDraw(rng));
  return y;
}

describe("walk-forward", () => {
  const y = randomWalk(400, 0.01, 1);
  const plan = { horizon: 1, from: 100, to: 399, lookback: 50, refitEvery: 10 };

  it("forecasts every origin of the plan, the last one into the future", () => {
    const f = walkForward(y, drift, plan);
    expect(f[99]).toBeNaN();
    expect(f.subarray(100).every(Number.isFinite)).toBe(true);
  });

  it("never lets a forecast see data after its origin", () => {
    const changed = [...y];
    for (let t = 251; t < changed.length; t++) changed[t] = (changed[t] as number) + 5;
    const a = walkForward(y, drift, plan);
    const b = walkForward(changed, drift, plan);
    expect([...b.subarray(100, 251)]).toEqual([...a.subarray(100, 251)]);
    expect(b[251]).not.toBe(a[251]);
  });

  it("fits on at most `lookback` values and keeps parameters between refits", () => {
    const f = walkForward(y, drift, plan);
    // At origin 105 the parameters still come from the fit at origin 100 (y[51..100]).
    const mu = ((y[100] as number) - (y[51] as number)) / 49;
    expect(f[105]).toBeCloseTo((y[105] as number) + mu, 12);
    // At origin 110 they were refitted on y[61..110].
    expect(f[110]).toBeCloseTo((y[110] as number) + ((y[110] as number) - (y[61] as number)) / 49, 12);
  });
});

describe("residuals and the 80 % interval", () => {
  it("counts an outcome only once it is known (origin + horizon <= t)", () => {
    const y = [0, 1, 2, 3, 4, 5];
    const f = Float64Array.of(0, 0, 0, 0, 0, 0);
    expect(knownResiduals(y, f, 2, 4, 10)).toEqual([2, 3, 4]); // origins 0, 1, 2 → y[2], y[3], y[4]
    expect(knownResiduals(y, f, 2, 4, 2)).toEqual([3, 4]);
  });

  it("takes the 10th and 90th percentiles of the residuals", () => {
    const residuals = Array.from({ length: 101 }, (_, k) => (k * 37) % 101); // 0..100 shuffled
    const { low, high } = residualInterval(residuals);
    expect(low).toBeCloseTo(10, 9);
    expect(high).toBeCloseTo(90, 9);
    expect(residualInterval([2, 1]).low).toBeCloseTo(1.1, 12);
    expect(residualInterval([2, 1]).high).toBeCloseTo(1.9, 12);
  });

  it("covers about 80 % of new outcomes of a random walk", () => {
    const y = randomWalk(3000, 0.02, 2);
    const f = walkForward(y, naive, { horizon: 1, from: 0, to: 2998, lookback: 10, refitEvery: 1 });
    let covered = 0;
    let count = 0;
    for (let t = 300; t < 2999; t++) {
      const { low, high } = residualInterval(knownResiduals(y, f, 1, t, 250));
      const outcome = (y[t + 1] as number) - (f[t] as number);
      if (outcome >= low && outcome <= high) covered++;
      count++;
    }
    expect(covered / count).toBeGreaterThan(0.76);
    expect(covered / count).toBeLessThan(0.84);
  });
});

describe("confidence", () => {
  const y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0];

  it("is near 1 for a model that always calls the direction and near 0 for one that never does", () => {
    const right = Float64Array.from(y, (v) => (v === 0 ? 0.5 : 0.5));
    const wrong = Float64Array.from(y, (v) => (v === 0 ? -0.5 : 1.5));
    const good = directionalRecord(y, right, 1, 10, 100);
    expect(good).toEqual({ hits: 10, count: 10 });
    expect(confidenceFrom(good)).toBeCloseTo(11 / 12, 12);
    expect(confidenceFrom(directionalRecord(y, wrong, 1, 10, 100))).toBeCloseTo(1 / 12, 12);
  });

  it("is exactly 0.5 for a no-change forecast and pulled to 0.5 on a short record", () => {
    expect(confidenceFrom(directionalRecord(y, Float64Array.from(y), 1, 10, 100))).toBe(0.5);
    expect(confidenceFrom({ hits: 0, count: 0 })).toBe(0.5);
    expect(confidenceFrom({ hits: 2, count: 2 })).toBe(0.75);
  });

  it("ignores outcomes not yet known and days without a move", () => {
    const flat = [1, 1, 1, 2];
    const f = Float64Array.of(2, 2, 2, 2);
    expect(directionalRecord(flat, f, 1, 2, 100)).toEqual({ hits: 0, count: 0 });
    expect(directionalRecord(flat, f, 1, 3, 100)).toEqual({ hits: 1, count: 1 });
  });
});
