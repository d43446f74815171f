/**
 * Turning a walk-forward record into honest numbers: prediction intervals from the model's own
 * past errors, a confidence, and the scores the backtest reports. A forecast made at origin s
 * for y[s + h] has a known error only from time s + h on; everything here respects that, so an
 * interval or weight used at time t never depends on an outcome after t.
 */

import { quantileSorted, sortedCopy } from "./numeric";

/** Coverage of the prediction interval (API: an 80 % interval). */
export const INTERVAL_LEVEL = 0.8;

/** How much of the record intervals and confidence look at. */
export interface RecordWindow {
  /** Use at most this many most recent known residuals. */
  window: number;
  /** Fewer known residuals than this → no interval. */
  minCount: number;
}

/** Default: about the last 250 outcomes, and at least 30 before an interval is claimed. */
export const RECORD_WINDOW: RecordWindow = { window: 250, minCount: 30 };

/**
 * Log residuals y[s + h] - f[s] whose outcome is known at time t (s + h <= t), most recent
 * `window` of them, oldest first.
 */
export function knownResiduals(
  y: readonly number[],
  forecasts: Float64Array,
  horizon: number,
  t: number,
  window: number,
): number[] {
  const out: number[] = [];
  for (let s = t - horizon; s >= 0 && out.length < window; s--) {
    const f = forecasts[s] as number;
    if (Number.isFinite(f)) out.push((y[s + horizon] as number) - f);
  }
  return out.reverse();
}

/**
 * Offsets (log space) of the central `INTERVAL_LEVEL` interval: the empirical 10th and 90th
 * percentiles of the residuals (linear interpolation, Hyndman-Fan type 7). A forecast f then
 * has the interval [f + low, f + high], i.e. prices e^f × e^low .. e^f × e^high.
 */
export function residualInterval(residuals: readonly number[]): { low: number; high: number } {
  const sorted = sortedCopy(residuals);
  const tail = (1 - INTERVAL_LEVEL) / 2;
  return { low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail) };
}

/** Directional record: did the forecast call the sign of the move from y[s] correctly? */
export interface DirectionalRecord {
  /** Correct calls; a forecast of exactly "no change" counts half. */
  hits: number;
  /** Outcomes with a non-zero move. */
  count: number;
}

/** Directional record of the most recent `window` known outcomes at time t. */
export function directionalRecord(
  y: readonly number[],
  forecasts: Float64Array,
  horizon: number,
  t: number,
  window: number,
): DirectionalRecord {
  let hits = 0;
  let count = 0;
  let seen = 0;
  for (let s = t - horizon; s >= 0 && seen < window; s--) {
    const f = forecasts[s] as number;
    if (!Number.isFinite(f)) continue;
    seen++;
    const move = (y[s + horizon] as number) - (y[s] as number);
    if (move === 0) continue;
    count++;
    const called = f - (y[s] as number);
    hits += called === 0 ? 0.5 : Math.sign(called) === Math.sign(move) ? 1 : 0;
  }
  return { hits, count };
}

/**
 * `confidence` of the API: the model's directional hit rate over its recent walk-forward
 * record, with Laplace's rule of succession, (hits + 1) / (count + 2). It reads as "how often,
 * lately, did this model call the direction of the move right": 0.5 is a coin flip (and what a
 * no-change forecast gets), a short record is pulled towards 0.5, and it is never a constant.
 */
export function confidenceFrom(record: DirectionalRecord): number {
  return (record.hits + 1) / (record.count + 2);
}
