import { ApiError } from "../../errors";
import { combine, ENSEMBLE_MEMBERS, ensembleWalkForward, weightsAt } from "./ensemble";
import { confidenceFrom, directionalRecord, knownResiduals, RECORD_WINDOW, residualInterval } from "./evaluation";
import { deserialiseLstm, LSTM_SETTINGS, lstm, serialiseLstm } from "./lstm/forecaster";
import { allPositiveFinite, decimalsFor, formatDecimal } from "./numeric";
import { type ForecastTimeframe, MIN_HISTORY, TIMEFRAMES } from "./timeframes";
import { walkForward } from "./walk-forward";

/** Models of `GET /analysis/prediction`. */
export const FORECAST_MODELS = ["lstm", "ensemble"] as const;
export type ForecastModelName = (typeof FORECAST_MODELS)[number];

/** Refit cadence of the statistical members inside a training record, per base interval. */
const REFIT_EVERY = { "1h": 24, "1d": 7 } as const;
// The ensemble's record starts once members have this much history to fit on.
const MIN_FIT = 60;
// The LSTM's out-of-sample record starts no earlier than this many candles in.
const LSTM_MIN_FIT = 120;

/** A trained model, JSON-safe, as the cron stores it and requests read it. */
export interface TrainedModel {
  v: 1;
  model: ForecastModelName;
  timeframe: ForecastTimeframe;
  horizon: number;
  /** Candles the model was trained on. */
  candles: number;
  /** Ensemble: fitted parameters per member (ENSEMBLE_MEMBERS order) and their weights. */
  members?: unknown[];
  weights?: number[];
  /** LSTM: `serialiseLstm` text. */
  network?: string;
  /** Log offsets of the 80 % interval, from the model's own walk-forward residuals. */
  interval: { low: number; high: number };
  confidence: number;
  /** Out-of-sample outcomes behind `interval` and `confidence`. */
  evaluated: number;
}

/** A forecast as numbers (prices in quote currency). */
export interface Forecast {
  prediction: number;
  intervalLow: number;
  intervalHigh: number;
  confidence: number;
}

function checkedLogPrices(closes: readonly number[], timeframe: ForecastTimeframe): number[] {
  const spec = TIMEFRAMES[timeframe];
  if (closes.length < MIN_HISTORY) {
    throw new ApiError(
      "AI_001",
      `Forecasting ${timeframe} needs at least ${MIN_HISTORY} ${spec.baseInterval} candles; ${closes.length} are stored.`,
      { details: { required_candles: MIN_HISTORY, available_candles: closes.length, interval: spec.baseInterval } },
    );
  }
  if (!allPositiveFinite(closes)) throw new ApiError("AI_002", "The stored price history contains unusable values.");
  return closes.map(Math.log);
}

/** The record's interval and confidence at its last candle; AI_001 when too few outcomes are known. */
function fromRecord(y: readonly number[], record: Float64Array, horizon: number) {
  const t = y.length - 1;
  const residuals = knownResiduals(y, record, horizon, t, RECORD_WINDOW.window);
  if (residuals.length < RECORD_WINDOW.minCount) {
    throw new ApiError("AI_001", "Not enough out-of-sample history to calibrate the forecast interval.");
  }
  const confidence = confidenceFrom(directionalRecord(y, record, horizon, t, RECORD_WINDOW.window));
  return { interval: residualInterval(residuals), confidence, evaluated: residuals.length };
}

/** Base candles `trainModel` uses at most (the newest ones): the cron reads no more than this. */
export function trainingHistory(timeframe: ForecastTimeframe): number {
  const spec = TIMEFRAMES[timeframe];
  return Math.max(spec.lookback, spec.lstmLookback) + RECORD_WINDOW.window + 2 * spec.horizon;
}

/** Base candles `predictWithModel` needs (the newest ones): what a request reads. */
export function predictionHistory(timeframe: ForecastTimeframe, model: ForecastModelName): number {
  const needed = model === "ensemble" ? TIMEFRAMES[timeframe].lookback : LSTM_SETTINGS.seqLen + 1;
  return Math.max(MIN_HISTORY, needed);
}

/**
 * Trains one model on a symbol's base candles (closes, oldest first) for the cron. CPU is
 * bounded: statistical fits run on at most `lookback` candles, the LSTM trains twice (once for
 * an out-of-sample record, once on everything) within its update budget.
 */
export function trainModel(
  closes: readonly number[],
  timeframe: ForecastTimeframe,
  model: ForecastModelName,
): TrainedModel {
  const spec = TIMEFRAMES[timeframe];
  const { horizon } = spec;
  const y = checkedLogPrices(closes.slice(-trainingHistory(timeframe)), timeframe);
  const last = y.length - 1;
  const base = { v: 1 as const, model, timeframe, horizon, candles: y.length };

  if (model === "ensemble") {
    const from = Math.max(MIN_FIT - 1, last - RECORD_WINDOW.window - 100 - horizon);
    const plan = { horizon, from, to: last, lookback: spec.lookback, refitEvery: REFIT_EVERY[spec.baseInterval] };
    const members = ENSEMBLE_MEMBERS.map((m) => walkForward(y, m, plan));
    const record = ensembleWalkForward(y, members, horizon, from, last);
    const window = y.slice(-spec.lookback);
    return {
      ...base,
      members: ENSEMBLE_MEMBERS.map((m) => m.fit(window, horizon)),
      weights: weightsAt(y, members, horizon, last),
      ...fromRecord(y, record, horizon),
    };
  }

  // One fit at `from` forecasts the rest of the record with frozen weights: out of sample.
  const from = Math.max(LSTM_MIN_FIT, last - RECORD_WINDOW.window - horizon);
  const plan = { horizon, from, to: last, lookback: spec.lstmLookback, refitEvery: Number.MAX_SAFE_INTEGER };
  const record = walkForward(y, lstm, plan);
  const network = lstm.fit(y.slice(-spec.lstmLookback), horizon);
  return { ...base, network: serialiseLstm(network), ...fromRecord(y, record, horizon) };
}

/**
 * Forecast from a stored model and the latest base candles (closes, oldest first): cheap, no
 * training. AI_001 when the history is too short, AI_002 when the model is unusable or the
 * forecast is not finite.
 */
export function predictWithModel(trained: TrainedModel, closes: readonly number[]): Forecast {
  const spec = TIMEFRAMES[trained.timeframe];
  const y = checkedLogPrices(closes, trained.timeframe);
  let logForecast: number;
  try {
    if (trained.model === "ensemble") {
      const window = y.slice(-spec.lookback);
      const values = ENSEMBLE_MEMBERS.map((m, i) => m.forecast(trained.members?.[i], window, trained.horizon));
      logForecast = combine(values, trained.weights ?? []);
    } else {
      const network = deserialiseLstm(trained.network ?? "");
      logForecast = lstm.forecast(network, y.slice(-(LSTM_SETTINGS.seqLen + 1)), trained.horizon);
    }
  } catch {
    throw new ApiError("AI_002", "The stored model could not produce a forecast.");
  }
  const { low, high } = trained.interval;
  const forecast = {
    prediction: Math.exp(logForecast),
    intervalLow: Math.exp(logForecast + low),
    intervalHigh: Math.exp(logForecast + high),
    confidence: trained.confidence,
  };
  const values = [forecast.prediction, forecast.intervalLow, forecast.intervalHigh, forecast.confidence];
  if (!values.every((v) => Number.isFinite(v) && v >= 0) || forecast.confidence > 1) {
    throw new ApiError("AI_002", "The forecast is not a finite number.");
  }
  return forecast;
}

/** The API's strings: prices with the precision of the latest price, confidence as a number. */
export function formatForecast(forecast: Forecast, latestPrice: number) {
  const decimals = decimalsFor(latestPrice);
  return {
    prediction: formatDecimal(forecast.prediction, decimals),
    interval_low: formatDecimal(forecast.intervalLow, decimals),
    interval_high: formatDecimal(forecast.intervalHigh, decimals),
    confidence: Math.round(forecast.confidence * 10_000) / 10_000,
  };
}
