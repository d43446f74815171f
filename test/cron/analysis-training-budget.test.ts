import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import { trainDueModels } from "../../src/services/analysis/training";
import { TRAINING_COST_MS } from "../../src/services/analysis/training-plan";
import { storeReal } from "../fixtures/analysis";
import { realCandles } from "../fixtures/candles";

const SYMBOLS = ["BTC-USDT", "ETH-USDT", "SOL-USDT"] as const;
// Each daily file is held back by one candle, so a later test can add a real new one.
const dailyEnd = (symbol: (typeof SYMBOLS)[number]) => realCandles(symbol, "1d").length - 1;

async function stored(): Promise<Array<{ key: string; version: number }>> {
  const { results } = await env.DB.prepare(
    "SELECT symbol || '/' || timeframe || '/' || model AS key, version FROM analysis_models ORDER BY key",
  ).all<{ key: string; version: number }>();
  return results;
}

describe("analysis training budget", () => {
  const config = getConfig(env);
  const limits = {
    budgetMs: config.ANALYSIS_TRAINING_BUDGET_MS,
    maxModels: config.ANALYSIS_TRAINING_MAX_MODELS,
    minCandles: config.ANALYSIS_MIN_CANDLES,
  };

  beforeAll(async () => {
    for (const symbol of SYMBOLS) {
      await storeReal(symbol, symbol, "1d", 220, { endIndex: dailyEnd(symbol) });
      await storeReal(symbol, symbol, "1h", 220);
    }
  }, 60_000);

  it("trains the 3 demo symbols' 18 models within two runs on a machine half as fast as estimated", async () => {
    expect(limits).toEqual({ budgetMs: 12_000, maxModels: 20, minCandles: 200 });
    // At the estimated speed, the default budget holds all 18 in one run.
    expect(9 * TRAINING_COST_MS.ensemble + 9 * TRAINING_COST_MS.lstm).toBeLessThanOrEqual(limits.budgetMs);
    // The clock is pinned, so only the per-model estimates count. Half the budget at the
    // estimated speed is the whole budget on a machine twice as slow as the estimates.
    const slow = { ...limits, budgetMs: limits.budgetMs / 2 };
    const first = await trainDueModels(env.DB, slow, () => 0);
    const lstmsFirstRun = Math.floor((slow.budgetMs - 9 * TRAINING_COST_MS.ensemble) / TRAINING_COST_MS.lstm);
    expect(lstmsFirstRun).toBeLessThan(9); // the run really is cut short
    expect(first).toMatchObject({ due: 18, trained: 9 + lstmsFirstRun, deferred: 9 - lstmsFirstRun, failed: 0 });
    const afterFirst = (await stored()).map((m) => m.key);
    // Every ensemble in the first run: each symbol and timeframe can answer after one run.
    for (const symbol of SYMBOLS) {
      for (const timeframe of ["1h", "4h", "1d"]) expect(afterFirst).toContain(`${symbol}/${timeframe}/ensemble`);
    }
    expect(afterFirst.filter((key) => key.endsWith("/lstm"))).toHaveLength(lstmsFirstRun);

    const second = await trainDueModels(env.DB, slow, () => 0);
    expect(second).toMatchObject({ due: 9 - lstmsFirstRun, trained: 9 - lstmsFirstRun, deferred: 0 });
    const all = await stored();
    expect(all).toHaveLength(18);
    expect(all.every((m) => m.version === 1)).toBe(true);
  }, 120_000);

  it("stops at the model cap and leaves the rest for the next run", async () => {
    for (const symbol of SYMBOLS) await storeReal(symbol, symbol, "1d", 1, { endIndex: dailyEnd(symbol) + 1 });
    const run = await trainDueModels(env.DB, { ...limits, maxModels: 2 }, () => 0);
    expect(run).toMatchObject({ due: 6, trained: 2, deferred: 4 });
    // Stale ensembles go before stale LSTMs.
    const retrained = (await stored()).filter((m) => m.version === 2).map((m) => m.key);
    expect(retrained).toHaveLength(2);
    expect(retrained.every((key) => key.endsWith("/1d/ensemble"))).toBe(true);
  }, 60_000);

  it("stops when the measured time is over budget, whatever the estimates say", async () => {
    let now = 0;
    const slowClock = () => {
      now += limits.budgetMs; // every look at the clock finds another full budget gone
      return now;
    };
    const run = await trainDueModels(env.DB, limits, slowClock);
    expect(run).toMatchObject({ due: 4, trained: 0, deferred: 4 });
  });
});
