import { describe, expect, it } from "vitest";
import {
  combine,
  ENSEMBLE_MEMBERS,
  ensembleWalkForward,
  inverseMseWeights,
  WEIGHT_WINDOW,
  weightsAt,
} from "../../../src/services/analysis/ensemble";
import { mulberry32 } from "../../../src/services/analysis/prng";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("ensemble weights", () => {
  it("are inverse mean squared errors that sum to 1", () => {
    const w = inverseMseWeights([1, 2, 4]);
    expect(w[0]).toBeCloseTo(4 / 7, 12);
    expect(w[1]).toBeCloseTo(2 / 7, 12);
    expect(w[2]).toBeCloseTo(1 / 7, 12);
    expect(sum(w)).toBeCloseTo(1, 12);
  });

  it("sum to 1 for any set of errors", () => {
    const rng = mulberry32(21);
    for (let trial = 0; trial < 200; trial++) {
      const mse = Array.from({ length: 1 + Math.floor(rng() * 6) }, () => rng() ** 4 * 10 ** (6 * rng() - 3));
      const w = inverseMseWeights(mse);
      expect(sum(w)).toBeCloseTo(1, 12);
      expect(w.every((x) => x >= 0 && x <= 1)).toBe(true);
    }
  });

  it("give no weight to a member without a usable error", () => {
    expect(inverseMseWeights([1, Number.NaN, Number.POSITIVE_INFINITY, -1, 1])).toEqual([0.5, 0, 0, 0, 0.5]);
  });

  it("are equal when nobody has a record, and all go to a perfect member", () => {
    expect(inverseMseWeights([Number.NaN, Number.NaN])).toEqual([0.5, 0.5]);
    expect(inverseMseWeights([0.3, 0, 0.1])).toEqual([0, 1, 0]);
  });
});

describe("combine", () => {
  it("is the weighted mean, renormalised over finite forecasts", () => {
    expect(combine([1, 3], [0.25, 0.75])).toBeCloseTo(2.5, 12);
    expect(combine([1, Number.NaN, 3], [0.5, 0.25, 0.25])).toBeCloseTo(5 / 3, 12);
    expect(combine([Number.NaN], [1])).toBeNaN();
  });
});

describe("ensemble walk-forward", () => {
  // Two members: one always off by 0.01, one always off by 0.02 (in log price).
  const n = 300;
  const y = Array.from({ length: n }, (_, t) => Math.log(100) + 0.001 * Math.sin(t));
  const good = Float64Array.from({ length: n }, (_, t) => (t + 1 < n ? (y[t + 1] as number) + 0.01 : 4.6));
  const bad = Float64Array.from({ length: n }, (_, t) => (t + 1 < n ? (y[t + 1] as number) - 0.02 : 4.6));

  it("weights members by their recent errors: 4 : 1 for errors 0.01 and 0.02", () => {
    const w = weightsAt(y, [good, bad], 1, 200);
    expect(w[0]).toBeCloseTo(0.8, 9);
    expect(w[1]).toBeCloseTo(0.2, 9);
  });

  it("uses only errors already known at the origin", () => {
    const future = [...y];
    for (let t = 201; t < n; t++) future[t] = 99; // outcomes after t = 200 change wildly
    expect(weightsAt(future, [good, bad], 1, 200)).toEqual(weightsAt(y, [good, bad], 1, 200));
  });

  it("weighs members equally until each has enough history", () => {
    expect(weightsAt(y, [good, bad], 1, WEIGHT_WINDOW.minCount - 1)).toEqual([0.5, 0.5]);
  });

  it("blends every origin of the plan", () => {
    const blend = ensembleWalkForward(y, [good, bad], 1, 150, 250);
    expect(blend[149]).toBeNaN();
    expect(blend[251]).toBeNaN();
    // 0.8 × (+0.01) + 0.2 × (−0.02) = +0.004 above the outcome.
    expect((blend[200] as number) - (y[201] as number)).toBeCloseTo(0.004, 9);
  });

  it("has at least the three statistical members the issue asks for", () => {
    expect(ENSEMBLE_MEMBERS.map((m) => m.name)).toEqual(["naive", "drift", "holt", "ar"]);
  });
});
