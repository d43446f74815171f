import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CRON_JOBS, runScheduled } from "../../src/cron";
import { PredictionResponse } from "../../src/schemas/analysis";
import { MODEL_FORMAT } from "../../src/services/analysis/model-store";
import { TRAINING_CRON } from "../../src/services/analysis/training-plan";
import { type StoredModel, storedModels, storeReal } from "../fixtures/analysis";
import { realCandles } from "../fixtures/candles";
import { authHeader, call, json } from "../helpers";

// BTC's daily file, held back by a few candles so "new candles arrive" uses real ones.
const DAILY = realCandles("BTC-USDT", "1d");
const DAILY_END = DAILY.length - 3;

async function runCron(): Promise<void> {
  const controller = createScheduledController({ cron: TRAINING_CRON, scheduledTime: Date.now() });
  const ctx = createExecutionContext();
  await runScheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

const byKey = (models: StoredModel[]) => new Map(models.map((m) => [`${m.timeframe}/${m.model}`, m]));

describe("analysis training (cron)", () => {
  beforeAll(async () => {
    await storeReal("BTC-USDT", "BTC-USDT", "1d", 300, { endIndex: DAILY_END });
    await storeReal("BTC-USDT", "BTC-USDT", "1h", 260);
    await storeReal("TEN-USDT", "SOL-USDT", "1d", 10);
  }, 60_000);

  it("is registered on the every-5-minutes cron", () => {
    expect(TRAINING_CRON).toBe("*/5 * * * *");
    expect(CRON_JOBS[TRAINING_CRON]?.map((job) => job.name)).toContain("analysis-training");
  });

  it("has both models for every timeframe the data supports after two runs, and the route answers", async () => {
    await runCron();
    await runCron();
    const models = await storedModels("BTC-USDT");
    expect(models.map((m) => `${m.timeframe}/${m.model}`).sort()).toEqual(
      ["1d/ensemble", "1d/lstm", "1h/ensemble", "1h/lstm", "4h/ensemble", "4h/lstm"].sort(),
    );
    const newestDaily = DAILY[DAILY_END - 1]?.open_time;
    const newestHourly = realCandles("BTC-USDT", "1h").at(-1)?.open_time;
    for (const m of models) {
      expect(m).toMatchObject({ version: 1, format: MODEL_FORMAT, last_error: null });
      expect(m.data_end).toBe(m.timeframe === "1d" ? newestDaily : newestHourly);
      expect(JSON.parse(m.params as string)).toMatchObject({ model: m.model, timeframe: m.timeframe });
    }

    const headers = await authHeader("developer");
    for (const m of models) {
      const res = await call(`/api/v1/analysis/prediction/BTC-USDT?timeframe=${m.timeframe}&model=${m.model}`, {
        headers,
      });
      expect(res.status).toBe(200);
      const body = PredictionResponse.strict().parse(await json(res));
      expect(Number(body.interval_low)).toBeLessThanOrEqual(Number(body.prediction));
      expect(Number(body.prediction)).toBeLessThanOrEqual(Number(body.interval_high));
    }
  }, 120_000);

  it("records too little history once and does not retry it until a new candle arrives", async () => {
    const short = await storedModels("TEN-USDT");
    expect(short.map((m) => `${m.timeframe}/${m.model}`).sort()).toEqual(["1d/ensemble", "1d/lstm"]);
    for (const m of short) expect(m).toMatchObject({ version: 0, params: null, last_error: "insufficient_history" });
    await runCron();
    expect(await storedModels("TEN-USDT")).toEqual(short);
  });

  it("retrains only the models that newer candles made stale", async () => {
    const before = byKey(await storedModels("BTC-USDT"));
    await runCron();
    expect(byKey(await storedModels("BTC-USDT"))).toEqual(before); // nothing new: nothing retrained

    await storeReal("BTC-USDT", "BTC-USDT", "1d", 1, { endIndex: DAILY_END + 1 });
    await runCron();
    const after = byKey(await storedModels("BTC-USDT"));
    for (const [key, m] of after) {
      if (key.startsWith("1d/")) {
        expect(m.version).toBe(2);
        expect(m.data_end).toBe(DAILY[DAILY_END]?.open_time);
        expect(m.params).not.toBe(before.get(key)?.params);
      } else {
        expect(m).toEqual(before.get(key));
      }
    }
  }, 60_000);

  it("keeps the last good model when a retraining fails, and remembers the failure", async () => {
    const before = byKey(await storedModels("BTC-USDT"));
    // A newer candle whose close is unusable (written past the ingest validation).
    await storeReal("BTC-USDT", "BTC-USDT", "1d", 1, { endIndex: DAILY_END + 2 });
    const bad = DAILY[DAILY_END + 1]?.open_time;
    await env.DB.prepare(
      "UPDATE market_candles SET close = '0' WHERE symbol = 'BTC-USDT' AND interval = '1d' AND open_time = ?1",
    )
      .bind(bad)
      .run();
    await runCron();
    const after = byKey(await storedModels("BTC-USDT"));
    for (const key of ["1d/ensemble", "1d/lstm"]) {
      const { attempted_end, attempted_at, last_error, ...kept } = after.get(key) as StoredModel;
      const {
        attempted_end: _e,
        attempted_at: previousAttempt,
        last_error: _l,
        ...previous
      } = before.get(key) as StoredModel;
      expect(kept).toEqual(previous);
      expect(attempted_at).toBeGreaterThan(previousAttempt);
      expect(attempted_end).toBe(bad);
      expect(last_error).toBe("AI_002");
    }
    await runCron();
    expect(byKey(await storedModels("BTC-USDT")).get("1d/lstm")?.attempted_end).toBe(bad); // not retried
  }, 60_000);

  it("retrains a model stored in an older format, which requests meanwhile refuse", async () => {
    await env.DB.prepare(
      "UPDATE analysis_models SET format = 0 WHERE symbol = 'BTC-USDT' AND timeframe = '4h' AND model = 'ensemble'",
    ).run();
    const headers = await authHeader("developer");
    const refused = await call("/api/v1/analysis/prediction/BTC-USDT?timeframe=4h&model=ensemble", { headers });
    expect(refused.status).toBe(503);
    expect((await json(refused)).error.code).toBe("AI_001");

    await runCron();
    const model = byKey(await storedModels("BTC-USDT")).get("4h/ensemble");
    expect(model).toMatchObject({ format: MODEL_FORMAT, version: 2, last_error: null });
    const res = await call("/api/v1/analysis/prediction/BTC-USDT?timeframe=4h&model=ensemble", { headers });
    expect(res.status).toBe(200);
  });
});
