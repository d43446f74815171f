/**
 * The training run of the cron: finds models that are missing or stale, trains as many as the
 * run's budget allows, in the order of `planTraining`, and stores them. Requests only ever read
 * what this writes.
 */
import {
  type BaseInterval,
  type ModelState,
  modelStatesStatement,
  type SeriesLatest,
  saveFailedAttempt,
  saveTrainedModel,
  seriesLatestStatement,
} from "../../db/analysis-models";
import { listCandles } from "../../db/candles";
import { ApiError } from "../../errors";
import { logger } from "../../lib/log";
import { trainingHistory, trainModel } from "./forecast";
import { MODEL_FORMAT } from "./model-store";
import { FORECAST_TIMEFRAMES, TIMEFRAMES } from "./timeframes";
import { canAfford, planTraining, TRAINING_COST_MS, type TrainingBudget, type TrainingJob } from "./training-plan";

/** Limits of a run (from configuration). */
export interface TrainingLimits extends TrainingBudget {
  /** Base candles a series needs before it is modelled (API.md: 200). */
  minCandles: number;
}

/** What one run did. */
export interface TrainingSummary {
  /** Models due at the start of the run. */
  due: number;
  trained: number;
  /** Series with too little history (recorded, not retried until a new candle arrives). */
  insufficient: number;
  failed: number;
  /** Due models left for a later run (budget or model cap reached). */
  deferred: number;
  /** Wall time of the run, ms (the clock only moves on I/O in a Worker, so this includes the writes). */
  elapsedMs: number;
}

const BASES: readonly BaseInterval[] = ["1h", "1d"];

/** Candles read per base series: the most any timeframe built on it trains on. */
function historyFor(base: BaseInterval): number {
  const sizes = FORECAST_TIMEFRAMES.filter((t) => TIMEFRAMES[t].baseInterval === base).map(trainingHistory);
  return Math.max(...sizes);
}

/**
 * One training run. `clock` is injectable so tests can pin the budget; in a Worker it only
 * advances across I/O, so time spent is the larger of the estimates and the measured time.
 */
export async function trainDueModels(
  db: D1Database,
  limits: TrainingLimits,
  clock: () => number = Date.now,
): Promise<TrainingSummary> {
  const started = clock();
  const [seriesResult, statesResult] = await db.batch<unknown>([
    seriesLatestStatement(db, BASES),
    modelStatesStatement(db),
  ]);
  const jobs = planTraining(
    (seriesResult?.results ?? []) as SeriesLatest[],
    (statesResult?.results ?? []) as ModelState[],
    MODEL_FORMAT,
  );
  const summary: TrainingSummary = {
    due: jobs.length,
    trained: 0,
    insufficient: 0,
    failed: 0,
    deferred: 0,
    elapsedMs: 0,
  };
  const closesOf = new Map<string, number[]>();
  let estimated = 0;

  for (const job of jobs) {
    const spent = Math.max(estimated, clock() - started);
    if (!canAfford(limits, summary.trained + summary.failed, spent, TRAINING_COST_MS[job.model])) {
      summary.deferred++;
      continue;
    }
    const seriesKey = `${job.symbol}|${job.base}|${job.latest}`;
    let closes = closesOf.get(seriesKey);
    if (!closes) {
      const rows = await listCandles(db, {
        symbol: job.symbol,
        interval: job.base,
        end: job.latest,
        limit: historyFor(job.base),
        order: "desc",
      });
      closes = rows.reverse().map((row) => Number(row.close));
      closesOf.set(seriesKey, closes);
    }
    if (closes.length < limits.minCandles) {
      await recordFailure(db, job, "insufficient_history");
      summary.insufficient++;
      continue;
    }
    estimated += TRAINING_COST_MS[job.model];
    await trainOne(db, job, closes, clock, summary);
  }
  summary.elapsedMs = clock() - started;
  logger.info("analysis_training_run", { ...summary });
  return summary;
}

async function trainOne(
  db: D1Database,
  job: TrainingJob,
  closes: number[],
  clock: () => number,
  summary: TrainingSummary,
): Promise<void> {
  const t0 = clock();
  let trained: ReturnType<typeof trainModel>;
  try {
    trained = trainModel(closes, job.timeframe, job.model);
  } catch (err) {
    // Bad data or a model that cannot calibrate: remember it so the same data is not retried.
    const code = err instanceof ApiError ? err.code : "internal_error";
    logger.warn("analysis_training_failed", {
      symbol: job.symbol,
      timeframe: job.timeframe,
      model: job.model,
      code,
      error: err instanceof Error ? err.message : String(err),
    });
    await recordFailure(db, job, code);
    summary.failed++;
    return;
  }
  await saveTrainedModel(db, {
    symbol: job.symbol,
    timeframe: job.timeframe,
    model: job.model,
    format: MODEL_FORMAT,
    params: JSON.stringify(trained),
    dataEnd: job.latest,
    candles: trained.candles,
    evaluated: trained.evaluated,
    confidence: trained.confidence,
    intervalLow: trained.interval.low,
    intervalHigh: trained.interval.high,
    now: Date.now(),
  });
  summary.trained++;
  logger.info("analysis_model_trained", {
    symbol: job.symbol,
    timeframe: job.timeframe,
    model: job.model,
    reason: job.reason,
    candles: trained.candles,
    confidence: trained.confidence,
    // A Worker's clock stands still during synchronous work and catches up at the write:
    // this is the training plus its write.
    ms: clock() - t0,
  });
}

function recordFailure(db: D1Database, job: TrainingJob, error: string): Promise<void> {
  return saveFailedAttempt(db, {
    symbol: job.symbol,
    timeframe: job.timeframe,
    model: job.model,
    attemptedEnd: job.latest,
    error,
    now: Date.now(),
  });
}
