import { describe, expect, it } from "vitest";
import { AR_MAX_ORDER, autoregressive } from "../../../src/services/analysis/forecasters/autoregressive";
import { holt } from "../../../src/services/analysis/forecasters/holt";
import { drift, naive } from "../../../src/services/analysis/forecasters/random-walk";
import { choleskySolve, leastSquares } from "../../../src/services/analysis/linalg";
import { mulberry32, normalDraw } from "../../../src/services/analysis/prng";

const line = (n: number, start: number, slope: number) => Array.from({ length: n }, (_, t) => start + slope * t);

/** Log prices whose returns follow r_t = c + phi r_{t-1} + sd · noise. */
function ar1(n: number, c: number, phi: number, sd: number, seed = 11): number[] {
  const rng = mulberry32(seed);
  const y = [0];
  let r = 0;
  for (let t = 1; t < n; t++) {
    r = c + phi * r + sd * normalDraw(rng);
    y.push((y[t - 1] as number) + r);
  }
  return y;
}

describe("random walk and drift", () => {
  it("naive forecasts the last value at any horizon", () => {
    expect(naive.forecast(naive.fit([1, 2, 3], 1), [1, 2, 5], 4)).toBe(5);
  });

  it("drift extrapolates the mean log return of its fit window", () => {
    const y = line(50, 4.6, 0.002);
    const params = drift.fit(y, 1);
    expect(params.mu).toBeCloseTo(0.002, 12);
    expect(drift.forecast(params, y, 3)).toBeCloseTo((y[49] as number) + 0.006, 12);
  });

  it("drift of a single value is no drift", () => {
    expect(drift.fit([4.2], 1)).toEqual({ mu: 0 });
  });
});

describe("Holt exponential smoothing", () => {
  it("extrapolates an exact linear trend", () => {
    const y = line(120, 3, 0.01);
    const params = holt.fit(y, 1);
    expect(params.beta).toBeGreaterThan(0);
    expect(holt.forecast(params, y, 1)).toBeCloseTo(3 + 0.01 * 120, 3);
    expect(holt.forecast(params, y, 5)).toBeCloseTo(3 + 0.01 * 124, 2);
  });

  it("forecasts a constant series as constant", () => {
    const y = new Array(80).fill(2.5);
    expect(holt.forecast(holt.fit(y, 1), y, 3)).toBeCloseTo(2.5, 12);
  });

  it("chooses parameters from its grid that fit better than the random walk in sample", () => {
    const params = holt.fit(line(120, 3, 0.01), 1);
    expect(params).not.toEqual({ alpha: 1, beta: 0, phi: 1 });
    expect(params.alpha).toBeGreaterThan(0);
    expect(params.alpha).toBeLessThanOrEqual(1);
    expect(params.phi).toBeLessThanOrEqual(1);
  });

  it("falls back to the random walk on a window too short to fit", () => {
    const params = holt.fit([1, 2, 3], 1);
    expect(params).toEqual({ alpha: 1, beta: 0, phi: 1 });
    expect(holt.forecast(params, [1, 2, 3], 1)).toBe(3);
  });
});

describe("AR model on returns (least squares)", () => {
  it("recovers the coefficient of an AR(1) return process", () => {
    const y = ar1(3000, 0.0005, 0.6, 0.01);
    const params = autoregressive.fit(y, 1);
    expect(params.coefs.length).toBeGreaterThanOrEqual(1);
    expect(params.coefs.length).toBeLessThanOrEqual(AR_MAX_ORDER);
    expect(params.coefs[0]).toBeCloseTo(0.6, 1);
    expect(params.intercept).toBeCloseTo(0.0005, 3);
  });

  it("picks order 1 by BIC for an AR(1) process", () => {
    expect(autoregressive.fit(ar1(3000, 0, 0.5, 0.01, 12), 1).coefs.length).toBe(1);
  });

  it("forecasts one step as intercept + coefficients · recent returns, and iterates further steps", () => {
    const params = { intercept: 0.001, coefs: [0.5, -0.2] };
    const y = [0, 0.01, 0.03, 0.02]; // returns 0.01, 0.02, -0.01
    const r1 = 0.001 + 0.5 * -0.01 + -0.2 * 0.02;
    const r2 = 0.001 + 0.5 * r1 + -0.2 * -0.01;
    expect(autoregressive.forecast(params, y, 1)).toBeCloseTo(0.02 + r1, 12);
    expect(autoregressive.forecast(params, y, 2)).toBeCloseTo(0.02 + r1 + r2, 12);
  });

  it("degrades to the mean return when the window is too short for any order", () => {
    const params = autoregressive.fit([0, 0.01, 0.03], 1);
    expect(params.coefs).toEqual([]);
    expect(params.intercept).toBeCloseTo(0.015, 12);
  });
});

describe("least squares", () => {
  it("solves an exactly determined regression", () => {
    // y = 2 + 3x
    const rows = [0, 1, 2, 3].map((x) => [1, x]);
    const beta = leastSquares(rows, [2, 5, 8, 11], 0);
    expect(beta?.[0]).toBeCloseTo(2, 10);
    expect(beta?.[1]).toBeCloseTo(3, 10);
  });

  it("reports a degenerate system instead of returning garbage", () => {
    expect(
      choleskySolve(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toBeNull();
    expect(leastSquares([[1, 2]], [1])).toBeNull(); // fewer rows than columns
  });
});
