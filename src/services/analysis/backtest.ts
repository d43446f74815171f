import { ENSEMBLE_MEMBERS, ensembleWalkForward, WEIGHT_WINDOW } from "./ensemble";
import { directionalRecord, knownResiduals, RECORD_WINDOW, residualInterval } from "./evaluation";
import { lstm } from "./lstm/forecaster";
import { allPositiveFinite } from "./numeric";
import { type ForecastTimeframe, MIN_HISTORY, TIMEFRAMES } from "./timeframes";
import { walkForward } from "./walk-forward";

/** How a backtest refits: statistical members every `statsRefit` origins, the LSTM every `lstmRefit`. */
export interface BacktestOptions {
  statsRefit: number;
  lstmRefit: number;
  includeLstm: boolean;
}

/** Scores of one model over the evaluated origins. */
export interface ModelScore {
  model: string;
  count: number;
  /** Mean absolute error in price units. */
  mae: number;
  /** Mean absolute log error (≈ relative error). */
  maeLog: number;
  /** MAE / naive MAE: below 1 beats the random walk. */
  maeRatio: number;
  /** Two-sided p-value of the Diebold-Mariano test of equal absolute error against naive. */
  dmPValue: number;
  /** Share of correctly called directions (no-change calls count half); NaN for naive. */
  directional: number;
  /** Share of outcomes inside the 80 % interval built from the model's past residuals. */
  coverage: number;
  /** Mean interval width relative to the forecast. */
  meanWidth: number;
}

/** Result of backtesting one series for one timeframe. */
export interface BacktestResult {
  timeframe: ForecastTimeframe;
  candles: number;
  firstOrigin: number;
  lastOrigin: number;
  /** Share of evaluated outcomes that were up moves (what "always up" would score on direction). */
  upShare: number;
  scores: ModelScore[];
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Newey-West lag count for a differential of n values from h-step forecasts: at least h − 1
 * (overlapping forecasts), and at least the usual rule of thumb floor(4 (n/100)^(2/9)), because
 * absolute errors of returns are autocorrelated (volatility clusters) even when h = 1.
 */
export function neweyWestLags(n: number, horizon: number): number {
  return Math.max(horizon - 1, Math.floor(4 * (n / 100) ** (2 / 9)));
}

/**
 * Diebold-Mariano test on a loss differential d (model loss − baseline loss), with a
 * Newey-West (Bartlett) long-run variance over `lags` lags. Returns the two-sided p-value;
 * 1 when the differential has no variance.
 */
export function dieboldMarianoPValue(d: readonly number[], lags: number): number {
  const n = d.length;
  if (n < 2) return 1;
  const m = d.reduce((a, b) => a + b, 0) / n;
  const gamma = (k: number) => {
    let s = 0;
    for (let t = k; t < n; t++) s += ((d[t] as number) - m) * ((d[t - k] as number) - m);
    return s / n;
  };
  let variance = gamma(0);
  for (let k = 1; k <= lags; k++) variance += 2 * (1 - k / (lags + 1)) * gamma(k);
  if (!(variance > 0)) return 1;
  const stat = m / Math.sqrt(variance / n);
  return 2 * (1 - normalCdf(Math.abs(stat)));
}

function score(
  name: string,
  y: readonly number[],
  forecasts: Float64Array,
  horizon: number,
  from: number,
  to: number,
  naiveErrors: readonly number[] | null,
) {
  const errors: number[] = [];
  let logErrors = 0;
  let covered = 0;
  let width = 0;
  for (let t = from; t <= to; t++) {
    const f = forecasts[t] as number;
    const actual = y[t + horizon] as number;
    if (!Number.isFinite(f)) throw new Error(`${name}: no forecast at origin ${t}`);
    errors.push(Math.abs(Math.exp(actual) - Math.exp(f)));
    logErrors += Math.abs(actual - f);
    const { low, high } = residualInterval(knownResiduals(y, forecasts, horizon, t, RECORD_WINDOW.window));
    if (actual >= f + low && actual <= f + high) covered++;
    width += Math.exp(high) - Math.exp(low);
  }
  const count = errors.length;
  const mae = errors.reduce((a, b) => a + b, 0) / count;
  const naiveMae = naiveErrors ? naiveErrors.reduce((a, b) => a + b, 0) / count : mae;
  const dir = directionalRecord(y, forecasts, horizon, to + horizon, to - from + 1);
  const score: ModelScore = {
    model: name,
    count,
    mae,
    maeLog: logErrors / count,
    maeRatio: mae / naiveMae,
    dmPValue: naiveErrors
      ? dieboldMarianoPValue(
          errors.map((e, i) => e - (naiveErrors[i] as number)),
          neweyWestLags(count, horizon),
        )
      : 1,
    directional: name === "naive" ? Number.NaN : dir.hits / dir.count,
    coverage: covered / count,
    meanWidth: width / count,
  };
  return { score, errors };
}

/**
 * Walk-forward backtest of every model on one series of closes (oldest first) for one
 * timeframe, as production would run it: models first see `MIN_HISTORY` candles, and all of
 * them are scored on the same origins, from the first where every interval and ensemble weight
 * has a record to calibrate on.
 */
export function backtestSeries(
  closes: readonly number[],
  timeframe: ForecastTimeframe,
  options: BacktestOptions,
): BacktestResult {
  if (!allPositiveFinite(closes)) throw new RangeError("closes must be positive finite numbers");
  const spec = TIMEFRAMES[timeframe];
  const { horizon } = spec;
  const y = closes.map(Math.log);
  const first = MIN_HISTORY - 1;
  const last = y.length - 1 - horizon;
  const evalFrom = first + horizon + Math.max(RECORD_WINDOW.minCount, WEIGHT_WINDOW.minCount) + 20;
  if (evalFrom > last) throw new RangeError(`series too short: ${y.length} candles`);

  const plan = { horizon, from: first, to: last, lookback: spec.lookback, refitEvery: options.statsRefit };
  const members = ENSEMBLE_MEMBERS.map((m) => ({ name: m.name as string, forecasts: walkForward(y, m, plan) }));
  const models = [...members];
  models.push({
    name: "ensemble",
    forecasts: ensembleWalkForward(
      y,
      members.map((m) => m.forecasts),
      horizon,
      first,
      last,
    ),
  });
  if (options.includeLstm) {
    const lstmPlan = { ...plan, lookback: spec.lstmLookback, refitEvery: options.lstmRefit };
    models.push({ name: "lstm", forecasts: walkForward(y, lstm, lstmPlan) });
  }

  const naiveForecasts = members.find((m) => m.name === "naive")?.forecasts as Float64Array;
  const naive = score("naive", y, naiveForecasts, horizon, evalFrom, last, null);
  const scores = [naive.score];
  for (const m of models.slice(1))
    scores.push(score(m.name, y, m.forecasts, horizon, evalFrom, last, naive.errors).score);
  let ups = 0;
  let moves = 0;
  for (let t = evalFrom; t <= last; t++) {
    const move = (y[t + horizon] as number) - (y[t] as number);
    if (move !== 0) moves++;
    if (move > 0) ups++;
  }
  return { timeframe, candles: y.length, firstOrigin: evalFrom, lastOrigin: last, upShare: ups / moves, scores };
}
