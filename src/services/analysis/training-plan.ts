/**
 * What the training cron should train next, and what it may afford: pure functions over the
 * stored series and model states, no I/O.
 */
import type { BaseInterval, ModelState, SeriesLatest } from "../../db/analysis-models";
import { FORECAST_MODELS, type ForecastModelName } from "./forecast";
import { FORECAST_TIMEFRAMES, type ForecastTimeframe, TIMEFRAMES } from "./timeframes";

/** The cron expression the training job runs on (src/cron/index.ts) and its period. */
export const TRAINING_CRON = "*/5 * * * *";
export const TRAINING_PERIOD_SECONDS = 300;

/** Why a model is due: it has never been trained, it was trained by older code, or newer candles exist. */
export type TrainingReason = "missing" | "outdated" | "stale";

/** One model to train. */
export interface TrainingJob {
  symbol: string;
  timeframe: ForecastTimeframe;
  model: ForecastModelName;
  base: BaseInterval;
  /** Open time of the newest base candle: the model is trained on candles up to it. */
  latest: number;
  reason: TrainingReason;
  /** Training time of the stored model (null when none): the longest-waiting stale model goes first. */
  trainedAt: number | null;
}

/**
 * Estimated wall time of one training, in ms, for budgeting before it starts (a Worker's clock
 * does not move during synchronous work, so a run cannot time a training until it has written
 * it). Measured in workerd, rounded up (BENCHMARKS.md "Training in the cron"): an LSTM makes
 * two fixed-budget training calls whatever the history; an ensemble fit grows with the history
 * it reads (at most `trainingHistory` candles).
 */
export const TRAINING_COST_MS: Record<ForecastModelName, number> = { lstm: 1000, ensemble: 200 };

const keyOf = (symbol: string, timeframe: string, model: string) => `${symbol}\u0000${timeframe}\u0000${model}`;

function reasonFor(state: ModelState | undefined, latest: number, format: number): TrainingReason | null {
  if (!state) return "missing";
  const servable = state.version > 0 && state.format === format;
  if (state.attempted_end < latest) {
    if (state.version === 0) return "missing";
    return servable ? "stale" : "outdated";
  }
  // Already tried on this data. Only a model left over from older code (and not failed since) is due.
  return state.version > 0 && !servable && state.last_error === null ? "outdated" : null;
}

// Models no request can use come first (ensembles, which are cheap, before LSTMs), then models
// that newer candles made stale, again ensembles first.
function rank(job: TrainingJob): number {
  const unusable = job.reason === "stale" ? 1 : 0;
  return unusable * 2 + (job.model === "ensemble" ? 0 : 1);
}

/**
 * Every model that is due, in training order: models no request can use yet (never trained, or
 * trained by older code) before stale ones, ensembles before LSTMs, then symbol by symbol (so a
 * new symbol's models complete together) and, among stale ones, the longest-waiting first.
 * A series needs at least one candle to be considered; whether it holds enough history is
 * found out (and remembered) when its candles are read.
 */
export function planTraining(
  series: readonly SeriesLatest[],
  states: readonly ModelState[],
  format: number,
): TrainingJob[] {
  const byKey = new Map(states.map((s) => [keyOf(s.symbol, s.timeframe, s.model), s]));
  const jobs: TrainingJob[] = [];
  for (const { symbol, base, latest } of series) {
    for (const timeframe of FORECAST_TIMEFRAMES) {
      if (TIMEFRAMES[timeframe].baseInterval !== base) continue;
      for (const model of FORECAST_MODELS) {
        const state = byKey.get(keyOf(symbol, timeframe, model));
        const reason = reasonFor(state, latest, format);
        if (reason) jobs.push({ symbol, timeframe, model, base, latest, reason, trainedAt: state?.trained_at ?? null });
      }
    }
  }
  const order = (t: ForecastTimeframe) => FORECAST_TIMEFRAMES.indexOf(t);
  return jobs.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.reason === "stale" ? (a.trainedAt ?? 0) - (b.trainedAt ?? 0) : 0) ||
      (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) ||
      order(a.timeframe) - order(b.timeframe),
  );
}

/** Limits of one training run. */
export interface TrainingBudget {
  /** Wall-time budget of the run's training, ms. */
  budgetMs: number;
  /** Most models trained in one run. */
  maxModels: number;
}

/**
 * Whether a run that has trained `trained` models and spent `spentMs` (the larger of its
 * estimates and its measured time) may start a job estimated at `costMs`.
 */
export function canAfford(budget: TrainingBudget, trained: number, spentMs: number, costMs: number): boolean {
  return trained < budget.maxModels && spentMs + costMs <= budget.budgetMs;
}
