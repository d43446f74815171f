import { leastSquares } from "../linalg";
import type { Forecaster } from "./types";

/** An AR(p) model of log returns: r_t = intercept + sum_i coefs[i] * r_{t-1-i} + noise. */
export interface ArParams {
  intercept: number;
  coefs: number[];
}

/** Largest order tried; the order itself is chosen per fit by BIC. */
export const AR_MAX_ORDER = 5;

function returnsOf(y: readonly number[]): number[] {
  const r: number[] = [];
  for (let t = 1; t < y.length; t++) r.push((y[t] as number) - (y[t - 1] as number));
  return r;
}

/** Design rows [1, r_{t-1}, ..., r_{t-p}] and targets r_t for t from `first` on. */
function design(r: readonly number[], p: number, first: number) {
  const rows: number[][] = [];
  const targets: number[] = [];
  for (let t = first; t < r.length; t++) {
    const row = [1];
    for (let i = 1; i <= p; i++) row.push(r[t - i] as number);
    rows.push(row);
    targets.push(r[t] as number);
  }
  return { rows, targets };
}

/**
 * Autoregressive model on log returns fitted by ordinary least squares. Orders 1..5 are fitted
 * on the same sample and the one with the lowest BIC wins: returns are close to noise, and
 * BIC's stronger penalty keeps the model from fitting it.
 */
export const autoregressive: Forecaster<ArParams> = {
  name: "ar",
  fit(y) {
    const r = returnsOf(y);
    const maxP = Math.min(AR_MAX_ORDER, Math.floor((r.length - 2) / 4));
    let best: ArParams = { intercept: r.length > 0 ? r.reduce((a, b) => a + b, 0) / r.length : 0, coefs: [] };
    let bestBic = Number.POSITIVE_INFINITY;
    for (let p = 1; p <= maxP; p++) {
      const { rows, targets } = design(r, p, maxP);
      const beta = leastSquares(rows, targets);
      if (!beta?.every(Number.isFinite)) continue;
      let sse = 0;
      for (let i = 0; i < rows.length; i++) {
        let fitted = 0;
        const row = rows[i] as number[];
        for (let j = 0; j < row.length; j++) fitted += (row[j] as number) * (beta[j] as number);
        sse += ((targets[i] as number) - fitted) ** 2;
      }
      const m = rows.length;
      const bic = m * Math.log(Math.max(sse, 1e-300) / m) + (p + 1) * Math.log(m);
      if (bic < bestBic) {
        bestBic = bic;
        best = { intercept: beta[0] as number, coefs: beta.slice(1) };
      }
    }
    return best;
  },
  forecast(params, y, horizon) {
    const p = params.coefs.length;
    // Most recent returns first; predicted returns are fed back for multi-step forecasts.
    const lags: number[] = [];
    for (let i = 0; i < p; i++) {
      const t = y.length - 1 - i;
      lags.push(t >= 1 ? (y[t] as number) - (y[t - 1] as number) : 0);
    }
    let total = 0;
    for (let step = 0; step < horizon; step++) {
      let next = params.intercept;
      for (let i = 0; i < p; i++) next += (params.coefs[i] as number) * (lags[i] as number);
      total += next;
      lags.unshift(next);
      lags.length = p;
    }
    return (y[y.length - 1] as number) + total;
  },
};
