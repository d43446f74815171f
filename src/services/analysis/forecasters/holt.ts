import type { Forecaster } from "./types";

/** Smoothing parameters of Holt's linear (optionally damped) trend method. */
export interface HoltParams {
  alpha: number;
  beta: number;
  phi: number;
}

// A coarse grid is enough: the h-step error surface of log prices is flat near its optimum, and
// a grid is deterministic and cheap (about 200 filter passes over the fit window per fit).
const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const BETAS = [0, 0.01, 0.03, 0.1, 0.2, 0.3];
const PHIS = [0.8, 0.9, 0.98, 1];
const BURN_IN = 10;

/** Sum of phi^1..phi^h: how far the damped trend carries in h steps. */
function trendReach(phi: number, horizon: number): number {
  if (phi === 1) return horizon;
  let sum = 0;
  let power = 1;
  for (let j = 0; j < horizon; j++) {
    power *= phi;
    sum += power;
  }
  return sum;
}

/**
 * Runs the filter over y. When `sseFrom` is given, also returns the sum of squared h-step
 * in-sample errors for origins from that index on (the fitting criterion).
 */
function run(params: HoltParams, y: readonly number[], horizon: number, sseFrom = -1) {
  const { alpha, beta, phi } = params;
  const n = y.length;
  // Starting with no trend makes beta = 0 plain exponential smoothing and (alpha = 1, beta = 0)
  // the random walk, so the grid always contains the baseline.
  let level = y[0] as number;
  let trend = 0;
  const reach = trendReach(phi, horizon);
  let sse = 0;
  for (let t = 1; t < n; t++) {
    const previous = level;
    level = alpha * (y[t] as number) + (1 - alpha) * (level + phi * trend);
    trend = beta * (level - previous) + (1 - beta) * phi * trend;
    if (sseFrom >= 0 && t >= sseFrom && t + horizon < n) {
      const error = (y[t + horizon] as number) - (level + reach * trend);
      sse += error * error;
    }
  }
  return { forecast: level + reach * trend, sse };
}

/**
 * Holt's exponential smoothing with a (damped) linear trend on log prices. The parameters are
 * fitted on the training window by a grid search minimising the in-sample `horizon`-step
 * squared error, so the fit targets the same horizon the model is used for.
 */
export const holt: Forecaster<HoltParams> = {
  name: "holt",
  fit(y, horizon) {
    let best: HoltParams = { alpha: 1, beta: 0, phi: 1 };
    let bestSse = Number.POSITIVE_INFINITY;
    if (y.length < BURN_IN + horizon + 2) return best;
    for (const alpha of ALPHAS) {
      for (const beta of BETAS) {
        for (const phi of PHIS) {
          if (beta === 0 && phi !== 1) continue; // no trend updates: damping is irrelevant
          const { sse } = run({ alpha, beta, phi }, y, horizon, BURN_IN);
          if (sse < bestSse) {
            bestSse = sse;
            best = { alpha, beta, phi };
          }
        }
      }
    }
    return best;
  },
  forecast: (params, y, horizon) => run(params, y, horizon).forecast,
};
