import { getConfig } from "../config";
import { trainDueModels } from "../services/analysis/training";
import type { CronJob } from "./index";

/**
 * Trains the forecasting models that are missing or stale, within the configured budget
 * (`ANALYSIS_TRAINING_BUDGET_MS`, `ANALYSIS_TRAINING_MAX_MODELS`); the rest wait for the next run.
 */
export const analysisTraining: CronJob = async (env) => {
  const config = getConfig(env);
  await trainDueModels(env.DB, {
    budgetMs: config.ANALYSIS_TRAINING_BUDGET_MS,
    maxModels: config.ANALYSIS_TRAINING_MAX_MODELS,
    minCandles: config.ANALYSIS_MIN_CANDLES,
  });
};
