/** What the portfolio reads return: positions valued at the live price, and the balance. */
import { listPositionRows, type PositionRow, positionStatement } from "../../db/portfolio-positions";
import { ApiError } from "../../errors";
import { getLatestPrice, type LatestPrice } from "../market/prices";
import { toIso } from "../market/time";
import { type AccountState, accountState, CURRENCY } from "./account";
import { add, type Decimal, formatMoney, parseDecimal, subtract, sum } from "./money";
import { settledPnl } from "./position-math";

/** A position as the API shows it (API.md "Portfolio", plus margin and open/close times). */
export interface PositionView {
  position_id: string;
  symbol: string;
  type: "long" | "short";
  size: string;
  leverage: number;
  entry_price: string;
  current_price: string;
  pnl: string;
  margin: string;
  status: "open" | "closed";
  timestamp: string;
  opened_at: string;
  closed_at: string | null;
}

/** The balance as `GET /portfolio/balance` returns it. */
export interface BalanceView {
  currency: typeof CURRENCY;
  balance: string;
  available: string;
  margin_used: string;
  unrealized_pnl: string;
  equity: string;
  timestamp: string;
}

function base(row: PositionRow) {
  return {
    position_id: row.position_id,
    symbol: row.symbol,
    type: row.side,
    size: row.size,
    leverage: row.leverage,
    entry_price: row.entry_price,
    margin: row.margin,
    opened_at: toIso(row.opened_at),
  };
}

/** An open position at a live price: unrealised PnL, `timestamp` = the price's time. */
export function openView(row: PositionRow, price: LatestPrice): PositionView {
  const pnl = settledPnl(row.side, row.size, row.entry_price, row.margin, price.price);
  return {
    ...base(row),
    current_price: price.price,
    pnl: formatMoney(pnl),
    status: "open",
    timestamp: price.timestamp,
    closed_at: null,
  };
}

/** A closed position: realised PnL at its exit price, `timestamp` = when it was closed. */
export function closedView(row: PositionRow): PositionView {
  if (row.closed_at === null || row.exit_price === null || row.realized_pnl === null) {
    throw new Error("closedView needs a closed position");
  }
  return {
    ...base(row),
    current_price: row.exit_price,
    pnl: row.realized_pnl,
    status: "closed",
    timestamp: toIso(row.closed_at),
    closed_at: toIso(row.closed_at),
  };
}

/** Live prices of the symbols of some positions, one read per symbol. */
async function pricesOf(env: Env, rows: readonly PositionRow[]): Promise<Map<string, LatestPrice>> {
  const symbols = [...new Set(rows.map((row) => row.symbol))];
  const prices = await Promise.all(symbols.map((symbol) => getLatestPrice(env, symbol)));
  return new Map(prices.map((price) => [price.symbol, price]));
}

function valued(row: PositionRow, prices: Map<string, LatestPrice>): PositionView {
  if (row.status === "closed") return closedView(row);
  const price = prices.get(row.symbol);
  if (!price) throw new Error(`no price read for ${row.symbol}`);
  return openView(row, price);
}

/** Balance, margin and unrealised PnL of a state, valued at live prices. */
export async function balanceOf(env: Env, state: AccountState, now: number): Promise<BalanceView> {
  const prices = await pricesOf(env, state.open);
  const unrealized: Decimal = sum(state.open.map((row) => parseDecimal(valued(row, prices).pnl)));
  const balance = parseDecimal(state.balance);
  const marginUsed = parseDecimal(state.margin_used);
  return {
    currency: CURRENCY,
    balance: formatMoney(balance),
    available: formatMoney(subtract(balance, marginUsed)),
    margin_used: formatMoney(marginUsed),
    unrealized_pnl: formatMoney(unrealized),
    equity: formatMoney(add(balance, unrealized)),
    timestamp: toIso(now),
  };
}

/**
 * The caller's balance: `balance` = starting deposit + realised PnL, `available` = balance −
 * margin used, `equity` = balance + unrealised PnL at live prices.
 * @example const view = await portfolioBalance(env, userId)
 */
export async function portfolioBalance(env: Env, accountId: string, startingBalance: string): Promise<BalanceView> {
  const now = Date.now();
  return balanceOf(env, await accountState(env.DB, accountId, startingBalance, now), now);
}

/** One of the caller's positions; 404 `not_found` when missing or another account's. */
export async function positionOf(env: Env, accountId: string, positionId: string): Promise<PositionView> {
  const row = await positionStatement(env.DB, accountId, positionId).first<PositionRow>();
  if (!row) throw positionNotFound(positionId);
  return valued(row, await pricesOf(env, row.status === "open" ? [row] : []));
}

/** The 404 for a position id that is missing or belongs to another account (indistinguishable). */
export function positionNotFound(positionId: string): ApiError {
  return new ApiError("not_found", `No position ${positionId}.`, { details: { position_id: positionId } });
}

/** The 409 for closing a position that is already closed (only its owner ever sees it). */
export function positionClosed(positionId: string): ApiError {
  return new ApiError("conflict", `Position ${positionId} is already closed.`, {
    details: { position_id: positionId, status: "closed", reason: "position_closed" },
  });
}

/**
 * A page of the caller's positions of one status (open: newest first, valued at live prices;
 * closed: most recently closed first, at their exit prices).
 */
export async function listPositions(
  env: Env,
  accountId: string,
  options: { status: "open" | "closed"; limit: number; cursor?: string },
): Promise<{ positions: PositionView[]; next_cursor: string | null }> {
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, options.status);
  const rows = await listPositionRows(env.DB, accountId, { status: options.status, after, limit: options.limit + 1 });
  const page = rows.slice(0, options.limit);
  const prices = await pricesOf(
    env,
    page.filter((row) => row.status === "open"),
  );
  const last = page[page.length - 1];
  return {
    positions: page.map((row) => valued(row, prices)),
    next_cursor: rows.length > options.limit && last ? encodeCursor(last, options.status) : null,
  };
}

function cursorTime(row: PositionRow, status: "open" | "closed"): number {
  return status === "open" ? row.opened_at : (row.closed_at ?? 0);
}

function encodeCursor(row: PositionRow, status: "open" | "closed"): string {
  return btoa(`${status}:${cursorTime(row, status)}:${row.position_id}`).replace(/=+$/, "");
}

function decodeCursor(cursor: string, status: "open" | "closed"): { time: number; id: string } {
  let decoded = "";
  try {
    decoded = atob(cursor);
  } catch {
    // reported below
  }
  const match = /^(open|closed):(\d{1,15}):(pos_[0-9a-f]{24})$/.exec(decoded);
  if (!match || match[1] !== status) {
    throw new ApiError("validation_error", "query.cursor: not a cursor of this list.", {
      details: { issues: [{ path: "query.cursor", message: "not a cursor of this list" }] },
    });
  }
  return { time: Number(match[2]), id: match[3] as string };
}
