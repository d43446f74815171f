import { describe, expect, it } from "vitest";
import type { ModelState, SeriesLatest } from "../../../src/db/analysis-models";
import { canAfford, planTraining } from "../../../src/services/analysis/training-plan";

const FORMAT = 1;
const T = 1_700_000_000_000;

function state(symbol: string, timeframe: string, model: string, more: Partial<ModelState> = {}): ModelState {
  return {
    symbol,
    timeframe,
    model,
    version: 1,
    format: FORMAT,
    data_end: T,
    trained_at: T,
    attempted_end: T,
    last_error: null,
    ...more,
  };
}

const names = (jobs: ReturnType<typeof planTraining>) =>
  jobs.map((j) => `${j.symbol} ${j.timeframe} ${j.model} ${j.reason}`);

describe("planTraining", () => {
  it("plans both models of every timeframe built on a series that has no model yet", () => {
    const series: SeriesLatest[] = [
      { symbol: "BTC-USDT", base: "1d", latest: T },
      { symbol: "BTC-USDT", base: "1h", latest: T },
    ];
    expect(names(planTraining(series, [], FORMAT))).toEqual([
      "BTC-USDT 1h ensemble missing",
      "BTC-USDT 4h ensemble missing",
      "BTC-USDT 1d ensemble missing",
      "BTC-USDT 1h lstm missing",
      "BTC-USDT 4h lstm missing",
      "BTC-USDT 1d lstm missing",
    ]);
    const hourlyOnly = planTraining([{ symbol: "SOL-USDT", base: "1h", latest: T }], [], FORMAT);
    expect(hourlyOnly.every((j) => j.base === "1h" && j.timeframe !== "1d" && j.latest === T)).toBe(true);
    expect(hourlyOnly).toHaveLength(4);
  });

  it("puts unusable models before stale ones, ensembles first, the longest-waiting stale model first", () => {
    const series: SeriesLatest[] = [
      { symbol: "AAA-USDT", base: "1d", latest: T + 2 },
      { symbol: "ZZZ-USDT", base: "1d", latest: T + 2 },
      { symbol: "NEW-USDT", base: "1d", latest: T },
    ];
    const states = [
      state("AAA-USDT", "1d", "ensemble", { trained_at: T + 1 }),
      state("AAA-USDT", "1d", "lstm", { trained_at: T + 1 }),
      state("ZZZ-USDT", "1d", "ensemble", { trained_at: T - 5 }),
      state("ZZZ-USDT", "1d", "lstm", { trained_at: T - 5 }),
    ];
    expect(names(planTraining(series, states, FORMAT))).toEqual([
      "NEW-USDT 1d ensemble missing",
      "NEW-USDT 1d lstm missing",
      "ZZZ-USDT 1d ensemble stale",
      "AAA-USDT 1d ensemble stale",
      "ZZZ-USDT 1d lstm stale",
      "AAA-USDT 1d lstm stale",
    ]);
  });

  it("does not plan what was already tried on the newest data, successfully or not", () => {
    const series: SeriesLatest[] = [{ symbol: "BTC-USDT", base: "1d", latest: T }];
    const states = [
      state("BTC-USDT", "1d", "ensemble"),
      state("BTC-USDT", "1d", "lstm", { version: 0, format: null, data_end: null, last_error: "insufficient_history" }),
    ];
    expect(planTraining(series, states, FORMAT)).toEqual([]);
    // One candle later both are due again: the failed one is still missing, the other is stale.
    const later = planTraining([{ symbol: "BTC-USDT", base: "1d", latest: T + 1 }], states, FORMAT);
    expect(names(later)).toEqual(["BTC-USDT 1d lstm missing", "BTC-USDT 1d ensemble stale"]);
    expect(later[1]?.trainedAt).toBe(T);
  });

  it("retrains a model stored in an older format once, even without new candles", () => {
    const series: SeriesLatest[] = [{ symbol: "BTC-USDT", base: "1d", latest: T }];
    const old = [state("BTC-USDT", "1d", "ensemble", { format: 0 }), state("BTC-USDT", "1d", "lstm")];
    expect(names(planTraining(series, old, FORMAT))).toEqual(["BTC-USDT 1d ensemble outdated"]);
    // If that retraining failed on this data, it waits for new candles like any failure.
    const failed = [state("BTC-USDT", "1d", "ensemble", { format: 0, last_error: "AI_002" }), old[1] as ModelState];
    expect(planTraining(series, failed, FORMAT)).toEqual([]);
  });
});

describe("canAfford", () => {
  const budget = { budgetMs: 8000, maxModels: 3 };

  it("allows a job only while the model cap and the budget hold it", () => {
    expect(canAfford(budget, 0, 0, 1000)).toBe(true);
    expect(canAfford(budget, 2, 7000, 1000)).toBe(true);
    expect(canAfford(budget, 2, 7001, 1000)).toBe(false);
    expect(canAfford(budget, 3, 0, 200)).toBe(false);
    expect(canAfford({ budgetMs: 500, maxModels: 10 }, 0, 0, 1000)).toBe(false);
  });
});
