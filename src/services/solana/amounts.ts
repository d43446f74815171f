/**
 * Exact decimal text for token amounts, prices and USD values (no I/O). Amounts rest as the
 * decimal text they arrived as; USD values are amount × price computed on scaled BigInts and
 * rounded to `USD_SCALE` places. Floats only appear where the API hands out JSON numbers.
 */

/** A non-negative decimal without sign or exponent: `0`, `500000`, `0.000001`. */
export const AMOUNT_PATTERN = /^(0|[1-9]\d{0,29})(\.\d{1,30})?$/;

/** Fractional digits kept in USD values (micro-dollars). */
export const USD_SCALE = 6;

interface Scaled {
  units: bigint;
  scale: number;
}

function parse(value: string): Scaled {
  if (!AMOUNT_PATTERN.test(value)) throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  const [whole = "0", fraction = ""] = value.split(".");
  return { units: BigInt(whole + fraction), scale: fraction.length };
}

function format(units: bigint, scale: number): string {
  const digits = units.toString().padStart(scale + 1, "0");
  if (scale === 0) return digits;
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/** True when `value` is decimal text this module accepts. */
export function isAmount(value: string): boolean {
  return AMOUNT_PATTERN.test(value);
}

/**
 * The decimal text of a JSON number as a Helius webhook sends token amounts (`0.5`, `1e-7`),
 * or null when it is negative, not finite, or has more digits than a token amount can.
 * @example numberToAmount(1e-7) // "0.0000001"
 */
export function numberToAmount(value: number): string | null {
  if (!Number.isFinite(value) || value < 0) return null;
  // The shortest text that round-trips is the decimal the sender wrote.
  const text = String(value);
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  if (!match) return null;
  const [, whole = "0", fraction = "", exp = "0"] = match;
  const shift = Number(exp);
  const digits = (whole + fraction).replace(/^0+(?=\d)/, "");
  const scale = fraction.length - shift;
  const out = scale <= 0 ? format(BigInt(digits + "0".repeat(-scale)), 0) : format(BigInt(digits), scale);
  return isAmount(out) ? out : null;
}

/**
 * The decimal text of `raw` base units of a token with `decimals` places (RPC's `amount`).
 * @example rawToAmount("1500000", 6) // "1.5"
 */
export function rawToAmount(raw: string, decimals: number): string | null {
  if (!/^\d{1,30}$/.test(raw) || !Number.isInteger(decimals) || decimals < 0 || decimals > 30) return null;
  const out = format(BigInt(raw), decimals);
  return isAmount(out) ? out : null;
}

/** Canonical spelling of decimal text ("1.50" → "1.5", "007" is refused upstream). */
export function normalizeAmount(value: string): string {
  const { units, scale } = parse(value);
  return format(units, scale);
}

/** amount × price in USD, rounded half-up to `USD_SCALE` places. */
export function multiplyUsd(amount: string, price: string): string {
  const a = parse(amount);
  const p = parse(price);
  const product = a.units * p.units;
  const scale = a.scale + p.scale;
  if (scale <= USD_SCALE) return format(product * 10n ** BigInt(USD_SCALE - scale), USD_SCALE);
  const divisor = 10n ** BigInt(scale - USD_SCALE);
  return format((product + divisor / 2n) / divisor, USD_SCALE);
}

/** The exact sum of decimal texts. */
export function addAmounts(...values: string[]): string {
  const parsed = values.map(parse);
  const scale = parsed.reduce((max, v) => Math.max(max, v.scale), 0);
  const total = parsed.reduce((sum, v) => sum + v.units * 10n ** BigInt(scale - v.scale), 0n);
  return format(total, scale);
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareAmounts(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.scale, y.scale);
  const left = x.units * 10n ** BigInt(scale - x.scale);
  const right = y.units * 10n ** BigInt(scale - y.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The larger of two decimal texts. */
export function maxAmount(a: string, b: string): string {
  return compareAmounts(b, a) > 0 ? b : a;
}

/** A JSON number for the API, rounded to `places` (statistics and displayed values only). */
export function toNumber(value: string, places = 6): number {
  const n = Number(value);
  const factor = 10 ** places;
  return Math.round(n * factor) / factor;
}
