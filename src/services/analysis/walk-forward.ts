import type { Forecaster } from "./forecasters/types";

/** Which origins to forecast from and how often to refit. */
export interface WalkForwardPlan {
  horizon: number;
  /** First origin: index of the last candle a forecast may see. */
  from: number;
  /** Last origin (inclusive); may be the final candle, whose target is still in the future. */
  to: number;
  /** Fit and forecast on at most this many most recent log prices. */
  lookback: number;
  /** Refit every this many origins; in between, the last parameters run on the newest data. */
  refitEvery: number;
}

/**
 * Walk-forward forecasts: for each origin t in [from, to], the model sees only y[..t] (at most
 * `lookback` values), refitted every `refitEvery` origins, and forecasts y[t + horizon].
 * Returns an array as long as y where index t holds the forecast made at origin t (NaN outside
 * the plan or when the model could not forecast). Nothing from after t ever reaches the model.
 */
export function walkForward<P>(y: readonly number[], model: Forecaster<P>, plan: WalkForwardPlan): Float64Array {
  const out = new Float64Array(y.length).fill(Number.NaN);
  const to = Math.min(plan.to, y.length - 1);
  let params: P | undefined;
  for (let t = plan.from; t <= to; t++) {
    const window = y.slice(Math.max(0, t + 1 - plan.lookback), t + 1);
    if (params === undefined || (t - plan.from) % plan.refitEvery === 0) params = model.fit(window, plan.horizon);
    out[t] = model.forecast(params, window, plan.horizon);
  }
  return out;
}
