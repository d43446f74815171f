/**
 * Exact signed decimals for the portfolio, as scaled BigInts (`units / 10^scale`). No I/O and
 * never a float: products keep every digit, and rounding happens only where a rule asks for it
 * (`roundTo`, `divideTo`), in one of three explicit modes.
 */

/** A decimal number: `units × 10^-scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Ledger amounts (balances, margins, PnL) keep this many fractional digits. */
export const MONEY_SCALE = 8;

/** `half-even` (banker's rounding), `ceil` (towards +∞) or `floor` (towards −∞). */
export type Rounding = "half-even" | "ceil" | "floor";

// Stored and computed values only; request input is validated by its schema first.
const PATTERN = /^(-?)(\d{1,40})(?:\.(\d{1,40}))?$/;

/** Parses a decimal string ("65432.10", "-0.5", "3"). Throws RangeError on anything else. */
export function parseDecimal(text: string): Decimal {
  const match = PATTERN.exec(text);
  if (!match) throw new RangeError(`not a decimal: ${JSON.stringify(text.slice(0, 64))}`);
  const [, sign, whole = "0", fraction = ""] = match;
  const units = BigInt(whole + fraction);
  return { units: sign === "-" ? -units : units, scale: fraction.length };
}

/** A whole number as a decimal. */
export function fromInteger(value: bigint | number): Decimal {
  return { units: BigInt(value), scale: 0 };
}

/** Zero. */
export const ZERO: Decimal = { units: 0n, scale: 0 };

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * pow10(scale - a.scale), b.units * pow10(scale - b.scale), scale];
}

/** a + b, exact. */
export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return { units: x + y, scale };
}

/** a − b, exact. */
export function subtract(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return { units: x - y, scale };
}

/** a × b, exact (the scales add up). */
export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** −a. */
export function negate(a: Decimal): Decimal {
  return { units: -a.units, scale: a.scale };
}

/** The sum of all values, exact. */
export function sum(values: readonly Decimal[]): Decimal {
  return values.reduce(add, ZERO);
}

/** -1, 0 or 1 as a is less than, equal to or greater than b ("1.50" equals "1.5"). */
export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The larger of a and b. */
export function max(a: Decimal, b: Decimal): Decimal {
  return compare(a, b) >= 0 ? a : b;
}

/** -1, 0 or 1 by sign. */
export function sign(a: Decimal): -1 | 0 | 1 {
  return a.units < 0n ? -1 : a.units > 0n ? 1 : 0;
}

/** numerator / denominator (denominator > 0) rounded to an integer by `mode`. */
function divideRounded(numerator: bigint, denominator: bigint, mode: Rounding): bigint {
  const quotient = numerator / denominator; // truncates towards zero
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const awayFromZero = numerator < 0n ? quotient - 1n : quotient + 1n;
  switch (mode) {
    case "ceil":
      return numerator > 0n ? awayFromZero : quotient;
    case "floor":
      return numerator < 0n ? awayFromZero : quotient;
    case "half-even": {
      const twice = (remainder < 0n ? -remainder : remainder) * 2n;
      if (twice > denominator) return awayFromZero;
      if (twice < denominator) return quotient;
      return quotient % 2n === 0n ? quotient : awayFromZero;
    }
  }
}

/**
 * a / divisor (a positive whole number) rounded to `scale` fractional digits by `mode`.
 * @example divideTo(parseDecimal("100"), 3n, 8, "ceil") // 33.33333334
 */
export function divideTo(a: Decimal, divisor: bigint, scale: number, mode: Rounding): Decimal {
  if (divisor <= 0n) throw new RangeError("divisor must be positive");
  const numerator = a.units * pow10(Math.max(0, scale - a.scale));
  const denominator = divisor * pow10(Math.max(0, a.scale - scale));
  return { units: divideRounded(numerator, denominator, mode), scale };
}

/** a rounded to `scale` fractional digits by `mode` (exact when it already fits). */
export function roundTo(a: Decimal, scale: number, mode: Rounding): Decimal {
  return divideTo(a, 1n, scale, mode);
}

function render(a: Decimal, minFraction: number): string {
  const negative = a.units < 0n;
  const digits = (negative ? -a.units : a.units).toString().padStart(a.scale + 1, "0");
  const whole = digits.slice(0, digits.length - a.scale);
  let fraction = digits.slice(digits.length - a.scale).replace(/0+$/, "");
  if (fraction.length < minFraction) fraction = fraction.padEnd(minFraction, "0");
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** The shortest exact spelling: no trailing fractional zeros ("1.50" → "1.5", "2.0" → "2"). */
export function formatDecimal(a: Decimal): string {
  return render(a, 0);
}

/** A money amount: exact, with at least two fractional digits ("1500" → "1500.00", "0.125" → "0.125"). */
export function formatMoney(a: Decimal): string {
  return render(a, 2);
}
