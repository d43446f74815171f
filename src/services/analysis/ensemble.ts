import { knownResiduals, type RecordWindow } from "./evaluation";
import { autoregressive } from "./forecasters/autoregressive";
import { holt } from "./forecasters/holt";
import { drift, naive } from "./forecasters/random-walk";
import type { Forecaster } from "./forecasters/types";

/** The statistical forecasters the ensemble blends, in a fixed order. */
export const ENSEMBLE_MEMBERS: readonly Forecaster<unknown>[] = [naive, drift, holt, autoregressive];

/** Weights look at each member's last 100 known errors; with fewer than 20, members weigh the same. */
export const WEIGHT_WINDOW: RecordWindow = { window: 100, minCount: 20 };

/**
 * Inverse mean-squared-error weights (Bates-Granger): w_i ∝ 1 / MSE_i, normalised to sum to 1.
 * A member without a usable error (NaN, infinite, negative) gets weight 0; when no member has
 * one, all weigh the same. A perfect member (MSE 0) takes all the weight.
 */
export function inverseMseWeights(mse: readonly number[]): number[] {
  const usable = mse.map((e) => Number.isFinite(e) && e >= 0);
  if (!usable.some(Boolean)) return mse.map(() => 1 / mse.length);
  if (mse.some((e, i) => usable[i] && e === 0)) {
    const perfect = mse.filter((e, i) => usable[i] && e === 0).length;
    return mse.map((e, i) => (usable[i] && e === 0 ? 1 / perfect : 0));
  }
  const raw = mse.map((e, i) => (usable[i] ? 1 / e : 0));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
}

/** Weighted sum of member forecasts, renormalised over the finite ones; NaN when none is. */
export function combine(values: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const w = weights[i] as number;
    if (Number.isFinite(v) && w > 0) {
      sum += w * v;
      weight += w;
    }
  }
  if (weight > 0) return sum / weight;
  // Every usable member has zero weight: fall back to the plain mean of the finite forecasts.
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
}

/** Weights at time t from the members' walk-forward errors known by then. */
export function weightsAt(
  y: readonly number[],
  members: readonly Float64Array[],
  horizon: number,
  t: number,
  settings: RecordWindow = WEIGHT_WINDOW,
): number[] {
  const mse = members.map((forecasts) => {
    const errors = knownResiduals(y, forecasts, horizon, t, settings.window);
    if (errors.length < settings.minCount) return Number.NaN;
    return errors.reduce((a, e) => a + e * e, 0) / errors.length;
  });
  // Until every member has a record, compare nobody: equal weights.
  return mse.every(Number.isFinite) ? inverseMseWeights(mse) : inverseMseWeights(mse.map(() => Number.NaN));
}

/**
 * The ensemble's own walk-forward record: at each origin t in [from, to], members' forecasts
 * blended with weights from their errors known at t. Index t holds the blend (NaN elsewhere).
 */
export function ensembleWalkForward(
  y: readonly number[],
  members: readonly Float64Array[],
  horizon: number,
  from: number,
  to: number,
  settings: RecordWindow = WEIGHT_WINDOW,
): Float64Array {
  const out = new Float64Array(y.length).fill(Number.NaN);
  for (let t = from; t <= Math.min(to, y.length - 1); t++) {
    const weights = weightsAt(y, members, horizon, t, settings);
    out[t] = combine(
      members.map((m) => m[t] as number),
      weights,
    );
  }
  return out;
}
