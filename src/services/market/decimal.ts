/**
 * Exact decimal arithmetic for prices and sizes, on scaled BigInts. Prices travel and rest as
 * decimal strings; this module compares and sums them without ever going through a float.
 */

/** A non-negative decimal without sign, exponent or leading zeros: `0`, `65432.10`, `0.00012`. */
export const DECIMAL_PATTERN = /^(0|[1-9]\d{0,19})(\.\d{1,18})?$/;

interface Scaled {
  units: bigint;
  scale: number;
}

function parse(value: string): Scaled {
  if (!DECIMAL_PATTERN.test(value)) throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  const [whole = "0", fraction = ""] = value.split(".");
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** True when `value` is a decimal string this module accepts. */
export function isDecimal(value: string): boolean {
  return DECIMAL_PATTERN.test(value);
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b` (numerically: "1.50" equals "1.5"). */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const left = rescale(x, scale);
  const right = rescale(y, scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** True when the decimal is zero. */
export function isZeroDecimal(value: string): boolean {
  return parse(value).units === 0n;
}

/** The larger of two decimals (the first one on a tie, so its spelling is kept). */
export function maxDecimal(a: string, b: string): string {
  return compareDecimal(b, a) > 0 ? b : a;
}

/** The smaller of two decimals (the first one on a tie, so its spelling is kept). */
export function minDecimal(a: string, b: string): string {
  return compareDecimal(b, a) < 0 ? b : a;
}

/** The exact sum, without trailing fractional zeros ("1.5" + "2.5" = "4"). */
export function sumDecimals(values: readonly string[]): string {
  const parsed = values.map(parse);
  const scale = parsed.reduce((max, v) => Math.max(max, v.scale), 0);
  const total = parsed.reduce((sum, v) => sum + rescale(v, scale), 0n);
  return format(total, scale);
}

function format(units: bigint, scale: number): string {
  const digits = units.toString().padStart(scale + 1, "0");
  if (scale === 0) return digits;
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}
