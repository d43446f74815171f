import { ApiError } from "../../errors";
import { allPositiveFinite, decimalsFor, formatDecimal, logReturns, sampleSd } from "./numeric";

/** Bounds of the `window` query (number of daily returns). */
export const RISK_WINDOW = { min: 30, max: 2000, default: 365 } as const;
/** Bounds of the `confidence` query. */
export const RISK_CONFIDENCE = { min: 0.9, max: 0.999, default: 0.95 } as const;
/** Days per year used to annualise daily volatility (crypto trades every day). */
export const DAYS_PER_YEAR = 365;

/**
 * The method, stated once so the OpenAPI description and the code cannot drift apart.
 *
 * Quantile convention: with n = `window` daily log returns r and c = `confidence`, the tail
 * holds the k = ceil(n * (1 - c)) worst returns (at least one). VaR is the loss at the k-th
 * worst return, i.e. the lower empirical (1 - c)-quantile with no interpolation (Hyndman-Fan
 * type 1): an actually observed day, never a value between two days. Expected shortfall is the
 * mean loss over those k worst days (the VaR day included, so ES >= VaR). A return r on one unit
 * bought at the latest close P loses P * (1 - e^r).
 */
export const RISK_METHOD_DESCRIPTION =
  "Historical simulation on the last `window` daily log returns (needs `window` + 1 daily candles). " +
  "With n = window and c = confidence, the tail holds the k = ceil(n × (1 − c)) worst returns (at least 1). " +
  "`var_95` (named after the seed, it holds the VaR at the requested confidence) is the one-day loss of one unit " +
  "bought at the latest close P at the k-th worst return r: P × (1 − e^r), i.e. the lower empirical " +
  "(1 − c)-quantile without interpolation (Hyndman-Fan type 1); it is 0 when even that return is a gain. " +
  "`expected_shortfall` is the mean loss over those k worst days (≥ VaR). " +
  "`volatility` is the sample standard deviation (n − 1) of the daily log returns × √365.";

/** Risk metrics of one unit held at the latest price, as numbers. */
export interface RiskMetrics {
  /** One-day VaR at `confidence`: a positive loss in price units (0 when the tail quantile is a gain). */
  valueAtRisk: number;
  /** Mean one-day loss over the tail days, price units, >= valueAtRisk. */
  expectedShortfall: number;
  /** Annualised volatility of daily log returns (sample sd × √365), as a fraction. */
  volatility: number;
  latestPrice: number;
  window: number;
  confidence: number;
  /** k: how many worst days make the tail. */
  tailDays: number;
}

/** The same metrics as the decimal strings the API emits. */
export interface RiskStrings {
  var_95: string;
  expected_shortfall: string;
  volatility: string;
}

/**
 * Number of tail observations, k = ceil(n * (1 - c)), at least 1. The epsilon absorbs binary
 * floating-point noise: 20 * (1 - 0.95) is 1.0000000000000009 and must give 1, not 2.
 */
export function tailCount(n: number, confidence: number): number {
  return Math.max(1, Math.ceil(n * (1 - confidence) - 1e-9));
}

/** The 422 `insufficient_history` of a `window` that `available` daily candles cannot fill. */
export function insufficientHistory(window: number, available: number): ApiError {
  return new ApiError(
    "insufficient_history",
    `A ${window}-day window needs ${window + 1} daily candles; only ${available} are stored for this symbol.`,
    { details: { required_candles: window + 1, available_candles: available, window } },
  );
}

/**
 * Historical one-day VaR, expected shortfall and annualised volatility from daily closes
 * (oldest first). Uses the last `window` + 1 closes; fewer → 422 `insufficient_history`.
 */
export function computeRisk(
  closes: readonly number[],
  window: number = RISK_WINDOW.default,
  confidence: number = RISK_CONFIDENCE.default,
): RiskMetrics {
  if (!Number.isInteger(window) || window < RISK_WINDOW.min || window > RISK_WINDOW.max) {
    throw new RangeError(`window must be an integer from ${RISK_WINDOW.min} to ${RISK_WINDOW.max}`);
  }
  if (!(confidence >= RISK_CONFIDENCE.min && confidence <= RISK_CONFIDENCE.max)) {
    throw new RangeError(`confidence must be from ${RISK_CONFIDENCE.min} to ${RISK_CONFIDENCE.max}`);
  }
  if (closes.length < window + 1) throw insufficientHistory(window, closes.length);
  const recent = closes.slice(closes.length - window - 1);
  if (!allPositiveFinite(recent)) {
    // Stored candles are validated on ingest; reaching this means corrupt data, not a bad request.
    throw new ApiError("internal_error", "The stored price history for this symbol is not usable.");
  }
  const returns = logReturns(recent);
  const latestPrice = recent[recent.length - 1] as number;
  const k = tailCount(returns.length, confidence);
  const worst = Float64Array.from(returns).sort().subarray(0, k);
  const lossAt = (r: number) => latestPrice * -Math.expm1(r); // P * (1 - e^r), accurate for small r
  const valueAtRisk = Math.max(0, lossAt(worst[k - 1] as number));
  let tailLoss = 0;
  for (const r of worst) tailLoss += lossAt(r);
  const expectedShortfall = Math.max(valueAtRisk, tailLoss / k);
  const volatility = sampleSd(returns) * Math.sqrt(DAYS_PER_YEAR);
  if (!Number.isFinite(volatility)) {
    throw new ApiError("internal_error", "The stored price history for this symbol is not usable.");
  }
  return { valueAtRisk, expectedShortfall, volatility, latestPrice, window, confidence, tailDays: k };
}

/**
 * Decimal strings for the API: VaR and ES with the precision of the latest price (about six
 * significant digits of it, at least two decimals), volatility with six decimals.
 */
export function formatRisk(metrics: RiskMetrics): RiskStrings {
  const decimals = decimalsFor(metrics.latestPrice);
  return {
    var_95: formatDecimal(metrics.valueAtRisk, decimals),
    expected_shortfall: formatDecimal(metrics.expectedShortfall, decimals),
    volatility: formatDecimal(metrics.volatility, 6),
  };
}
