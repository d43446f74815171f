/**
 * Position arithmetic (no I/O): margin, notional, PnL and what an account can still spend.
 * Inputs are exact decimal strings; every result is exact until it becomes a ledger amount,
 * which is rounded to MONEY_SCALE (8) digits by the rule named at each function.
 */
import {
  compare,
  type Decimal,
  divideTo,
  formatMoney,
  MONEY_SCALE,
  max,
  multiply,
  negate,
  parseDecimal,
  roundTo,
  subtract,
  sum,
} from "./money";

/** Long profits when the price rises, short when it falls. */
export type Side = "long" | "short";

/** size × price, exact. */
export function notionalOf(size: string, price: string): Decimal {
  return multiply(parseDecimal(size), parseDecimal(price));
}

/**
 * The margin a position reserves: size × entry price / leverage, rounded up (ceil) to 8 digits,
 * so a reservation is never smaller than its exact value.
 * @example marginOf("0.5", "65432.10", 3) // 10905.35000000
 */
export function marginOf(size: string, entryPrice: string, leverage: number): Decimal {
  return divideTo(notionalOf(size, entryPrice), BigInt(leverage), MONEY_SCALE, "ceil");
}

/** The exact PnL of a position at `price`: (price − entry) × size for a long, the opposite for a short. */
export function exactPnl(side: Side, size: string, entryPrice: string, price: string): Decimal {
  const move = multiply(subtract(parseDecimal(price), parseDecimal(entryPrice)), parseDecimal(size));
  return side === "long" ? move : negate(move);
}

/**
 * The PnL a position realises (or would realise) at `price`, as a ledger amount: the exact PnL
 * rounded half-even to 8 digits, and never a loss larger than the position's margin (isolated
 * margin: a position can lose its margin, not the rest of the balance). The cap is what keeps
 * `available` from ever going negative.
 */
export function settledPnl(side: Side, size: string, entryPrice: string, margin: string, price: string): Decimal {
  const rounded = roundTo(exactPnl(side, size, entryPrice, price), MONEY_SCALE, "half-even");
  return max(rounded, negate(parseDecimal(margin)));
}

/** What an account's state allows; `null` means the open may go ahead. */
export type LimitBreach =
  | { code: "PORT_002"; reason: "open_positions"; limit: number }
  | { code: "PORT_002"; reason: "symbol_notional"; limit: string; current: string; requested: string }
  | { code: "PORT_001"; available: string; required: string };

/** An open position as the limit checks see it. */
export interface OpenExposure {
  symbol: string;
  size: string;
  entry_price: string;
}

/**
 * Checks a new position against the account's limits, in the order a trader can act on:
 * too many open positions, then the symbol's notional cap (at entry prices), then margin
 * against `available` (balance − margin used). Pure, so the caller decides what is atomic.
 */
export function checkOpen(input: {
  open: readonly OpenExposure[];
  symbol: string;
  notional: Decimal;
  margin: Decimal;
  available: Decimal;
  maxOpenPositions: number;
  maxSymbolNotional: string;
}): LimitBreach | null {
  if (input.open.length + 1 > input.maxOpenPositions) {
    return { code: "PORT_002", reason: "open_positions", limit: input.maxOpenPositions };
  }
  const held = sum(input.open.filter((p) => p.symbol === input.symbol).map((p) => notionalOf(p.size, p.entry_price)));
  const cap = parseDecimal(input.maxSymbolNotional);
  if (compare(sum([held, input.notional]), cap) > 0) {
    return {
      code: "PORT_002",
      reason: "symbol_notional",
      limit: formatMoney(cap),
      current: formatMoney(roundTo(held, MONEY_SCALE, "half-even")),
      requested: formatMoney(roundTo(input.notional, MONEY_SCALE, "ceil")),
    };
  }
  if (compare(input.margin, input.available) > 0) {
    return { code: "PORT_001", available: formatMoney(input.available), required: formatMoney(input.margin) };
  }
  return null;
}
