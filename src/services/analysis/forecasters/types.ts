/**
 * The contract every statistical forecaster follows. All of them work on natural-log prices
 * (oldest first), so errors are relative (a residual of 0.01 is about 1 %) and comparable
 * across symbols and eras, and a forecast can never be a negative price.
 */
export interface Forecaster<P> {
  readonly name: ModelName;
  /** Fits parameters on a window of log prices (plain data: JSON, or JSON after `serialiseLstm`). */
  fit(logPrices: readonly number[], horizon: number): P;
  /** Forecast of the log price `horizon` steps after the last element of `logPrices`. */
  forecast(params: P, logPrices: readonly number[], horizon: number): number;
}

/** Members of the ensemble. `naive` (random walk: tomorrow = today) is also the baseline to beat. */
export type StatModelName = "naive" | "drift" | "holt" | "ar";

/** Every forecaster, statistical or learned. */
export type ModelName = StatModelName | "lstm";
