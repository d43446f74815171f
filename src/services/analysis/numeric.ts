/**
 * Small numeric helpers shared by the analysis modules. Pure functions, no I/O.
 *
 * Statistics here run on IEEE doubles on purpose: log returns, quantiles and forecasts are
 * estimates, not money. Nothing in this folder moves a balance; results leave the service as
 * decimal strings rounded to a sensible precision (see `formatDecimal`).
 */

/** Log returns ln(p[i] / p[i-1]) of a price series (oldest first); one shorter than the input. */
export function logReturns(prices: readonly number[]): number[] {
  const out: number[] = new Array(Math.max(0, prices.length - 1));
  for (let i = 1; i < prices.length; i++) out[i - 1] = Math.log((prices[i] as number) / (prices[i - 1] as number));
  return out;
}

/** Natural logs of a price series. */
export function logPrices(prices: readonly number[]): number[] {
  return prices.map((p) => Math.log(p));
}

/** True when every value is a finite number above zero (a usable price). */
export function allPositiveFinite(values: readonly number[]): boolean {
  for (const v of values) if (!(Number.isFinite(v) && v > 0)) return false;
  return true;
}

/** Arithmetic mean; NaN for an empty input. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Sample standard deviation (divides by n - 1); NaN for fewer than two values. */
export function sampleSd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * Quantile of an ascending-sorted sample by linear interpolation between order statistics
 * (Hyndman-Fan type 7, the default of R and NumPy): position (n - 1) * p, zero-based.
 * Used for prediction intervals, where a smooth estimate beats jumping between observations.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const frac = pos - lo;
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * frac;
}

/** Ascending numeric sort of a copy. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Formats a finite number as a plain decimal string (never exponent notation) with `decimals`
 * digits after the point; negative zero prints as zero.
 */
export function formatDecimal(value: number, decimals: number): string {
  if (!Number.isFinite(value)) throw new RangeError("cannot format a non-finite number");
  if (Math.abs(value) >= 1e21) throw new RangeError("number too large for a decimal string");
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/**
 * Digits after the point that keep about `significant` significant digits of `reference`,
 * between 2 and 12: a BTC price (9e4) gets 2, a SOL price (1.4e2) 3, a 1e-5 token 10.
 */
export function decimalsFor(reference: number, significant = 6): number {
  // The epsilon keeps 99.99999999999997 (a 100 that went through exp/log) in the 100s.
  const magnitude = reference > 0 && Number.isFinite(reference) ? Math.floor(Math.log10(reference) + 1e-9) : 0;
  return Math.min(12, Math.max(2, significant - 1 - magnitude));
}
