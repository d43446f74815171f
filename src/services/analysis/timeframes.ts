/**
 * Forecast timeframes and the candles they are built from.
 *
 * `4h` is forecast 4 steps ahead on hourly candles rather than one step on aggregated 4h bars:
 * the same 200 hourly candles that make a 1h model possible then make a 4h model possible too
 * (aggregating would leave 50 bars, too few to fit and backtest anything), every hour gives a
 * fresh 4h forecast instead of one per bar, and one code path serves both hourly horizons.
 */

/** Timeframes of `GET /analysis/prediction`. */
export const FORECAST_TIMEFRAMES = ["1h", "4h", "1d"] as const;
export type ForecastTimeframe = (typeof FORECAST_TIMEFRAMES)[number];

/** Least number of base candles before a timeframe can be modelled (API.md: 200). */
export const MIN_HISTORY = 200;

/** How a timeframe is modelled. */
export interface TimeframeSpec {
  /** Candle interval the series is read from. */
  baseInterval: "1h" | "1d";
  /** Steps of the base interval between the last candle and the forecast target. */
  horizon: number;
  /** Milliseconds per base candle. */
  stepMs: number;
  /** Statistical models are fitted on at most this many recent candles. */
  lookback: number;
  /** The LSTM trains on at most this many recent candles. */
  lstmLookback: number;
}

const HOUR = 3_600_000;

/** Spec of every timeframe. */
export const TIMEFRAMES: Record<ForecastTimeframe, TimeframeSpec> = {
  "1h": { baseInterval: "1h", horizon: 1, stepMs: HOUR, lookback: 720, lstmLookback: 2000 },
  "4h": { baseInterval: "1h", horizon: 4, stepMs: HOUR, lookback: 720, lstmLookback: 2000 },
  "1d": { baseInterval: "1d", horizon: 1, stepMs: 24 * HOUR, lookback: 730, lstmLookback: 1500 },
};
