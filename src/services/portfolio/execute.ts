/**
 * The trading writes themselves, run one at a time per account inside its TradingDesk.
 *
 * Atomicity does not rest on that serialisation alone: each write reads the account's state
 * (ledger head + open positions) in one transaction, checks it, and commits its ledger rows,
 * position change and idempotency record in one batch that appends the ledger numbers right
 * after the ones it read. If anything wrote in between, the ledger's primary key fails the
 * batch, nothing of it is kept, and the write starts over from a fresh read. So two writes can
 * never both spend the same balance, even if two desks ever ran at once.
 */
import { getConfig } from "../../config";
import { isIdempotencyConflict, recordIdempotencyStatements } from "../../db/portfolio-idempotency";
import { appendLedgerStatement, isLedgerConflict } from "../../db/portfolio-ledger";
import {
  closePositionStatement,
  insertPositionStatement,
  type PositionRow,
  positionStatement,
} from "../../db/portfolio-positions";
import { ApiError } from "../../errors";
import { toHex } from "../../lib/crypto";
import { toIso } from "../market/time";
import { accountState } from "./account";
import { IDEMPOTENCY_TTL_MS, type IdempotencyClaim, storedOutcome, type TradeOutcome } from "./idempotency";
import { add, compare, formatMoney, parseDecimal, subtract } from "./money";
import { checkOpen, type LimitBreach, marginOf, notionalOf, type Side, settledPnl } from "./position-math";
import { closedView, type PositionView, positionClosed, positionNotFound } from "./view";

/** Fresh reads and commits per write before giving up with 409 (only reached if desks ever overlap). */
const MAX_ATTEMPTS = 8;

/** A position to open at `price`, the live price the Worker read for the request. */
export interface OpenOrder {
  account_id: string;
  symbol: string;
  type: Side;
  size: string;
  leverage: number;
  price: string;
  idempotency?: IdempotencyClaim;
}

/** A position to close at `price`, the live price of its symbol. */
export interface CloseOrder {
  account_id: string;
  position_id: string;
  price: string;
  idempotency?: IdempotencyClaim;
}

/** The 201 body of an open (API.md, plus the entry price and margin it got). */
export interface OpenedPosition {
  position_id: string;
  status: "success";
  timestamp: string;
  entry_price: string;
  margin: string;
}

/** A new position id: "pos_" + 24 hex digits from the CSPRNG. */
export function newPositionId(): string {
  return `pos_${toHex(crypto.getRandomValues(new Uint8Array(12)))}`;
}

async function withRetries<T>(
  attempt: (now: number) => Promise<{ statements: D1PreparedStatement[]; outcome: TradeOutcome<T> } | TradeOutcome<T>>,
  db: D1Database,
): Promise<TradeOutcome<T>> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const planned = await attempt(Date.now());
    if (!("statements" in planned)) return planned;
    try {
      await db.batch(planned.statements);
      return planned.outcome;
    } catch (err) {
      // A ledger number taken meanwhile, or the same Idempotency-Key committed meanwhile:
      // nothing was kept, and the next attempt sees the new state (or the stored outcome).
      if (isLedgerConflict(err) || isIdempotencyConflict(err)) continue;
      throw err;
    }
  }
  throw new ApiError("conflict", "Too many concurrent trading writes on this account; retry.", {
    details: { reason: "concurrent_writes" },
  });
}

function breachError(breach: LimitBreach): ApiError {
  const { code, ...details } = breach;
  if (breach.code === "PORT_001") {
    return new ApiError(code, `The margin of ${breach.required} USDT exceeds the available ${breach.available} USDT.`, {
      details,
    });
  }
  const message =
    breach.reason === "open_positions"
      ? `At most ${breach.limit} positions may be open at once.`
      : `This would take the open notional of the symbol past its cap of ${breach.limit} USDT.`;
  return new ApiError(code, message, { details });
}

function idempotencyStatements(
  db: D1Database,
  order: { account_id: string; idempotency?: IdempotencyClaim },
  operation: "open" | "close",
  outcome: TradeOutcome<unknown>,
  now: number,
): D1PreparedStatement[] {
  if (!order.idempotency) return [];
  return recordIdempotencyStatements(db, {
    account_id: order.account_id,
    operation,
    idempotency_key: order.idempotency.key,
    request_hash: order.idempotency.request_hash,
    status: outcome.status,
    response: JSON.stringify(outcome.body),
    created_at: now,
    expires_at: now + IDEMPOTENCY_TTL_MS,
  });
}

/**
 * Opens a position at the order's price: PORT_002 past the open-positions or symbol-notional
 * cap, PORT_001 when its margin exceeds `available`; otherwise reserves the margin.
 */
export async function executeOpen(env: Env, order: OpenOrder): Promise<TradeOutcome<OpenedPosition>> {
  const config = getConfig(env);
  const db = env.DB;
  if (compare(parseDecimal(order.price), parseDecimal("0")) <= 0) {
    throw new ApiError("MARKET_001", `No usable price for ${order.symbol}.`, { details: { symbol: order.symbol } });
  }
  return withRetries(async (now) => {
    if (order.idempotency) {
      const stored = await storedOutcome<OpenedPosition>(db, order.account_id, "open", order.idempotency, now);
      if (stored) return stored;
    }
    const state = await accountState(db, order.account_id, config.STARTING_BALANCE, now);
    const margin = marginOf(order.size, order.price, order.leverage);
    const balance = parseDecimal(state.balance);
    const marginUsed = parseDecimal(state.margin_used);
    const breach = checkOpen({
      open: state.open,
      symbol: order.symbol,
      notional: notionalOf(order.size, order.price),
      margin,
      available: subtract(balance, marginUsed),
      maxOpenPositions: config.PORTFOLIO_MAX_OPEN_POSITIONS,
      maxSymbolNotional: config.PORTFOLIO_MAX_SYMBOL_NOTIONAL,
    });
    if (breach) throw breachError(breach);
    const positionId = newPositionId();
    const outcome: TradeOutcome<OpenedPosition> = {
      status: 201,
      replayed: false,
      body: {
        position_id: positionId,
        status: "success",
        timestamp: toIso(now),
        entry_price: order.price,
        margin: formatMoney(margin),
      },
    };
    const statements = [
      appendLedgerStatement(db, {
        account_id: order.account_id,
        seq: state.seq + 1,
        kind: "margin_reserved",
        amount: formatMoney(margin),
        position_id: positionId,
        balance_after: formatMoney(balance),
        margin_used_after: formatMoney(add(marginUsed, margin)),
        created_at: now,
      }),
      insertPositionStatement(db, {
        position_id: positionId,
        account_id: order.account_id,
        symbol: order.symbol,
        side: order.type,
        size: order.size,
        leverage: order.leverage,
        entry_price: order.price,
        margin: formatMoney(margin),
        opened_at: now,
      }),
      ...idempotencyStatements(db, order, "open", outcome, now),
    ];
    return { statements, outcome };
  }, db);
}

/**
 * Closes an open position at the order's price: realised PnL to the ledger, margin released.
 * 404 for a position that is missing or another account's, 409 for one already closed.
 */
export async function executeClose(env: Env, order: CloseOrder): Promise<TradeOutcome<PositionView>> {
  const config = getConfig(env);
  const db = env.DB;
  return withRetries(async (now) => {
    if (order.idempotency) {
      const stored = await storedOutcome<PositionView>(db, order.account_id, "close", order.idempotency, now);
      if (stored) return stored;
    }
    const state = await accountState(db, order.account_id, config.STARTING_BALANCE, now);
    const position = state.open.find((p) => p.position_id === order.position_id);
    if (!position) throw await notOpen(db, order);
    const pnl = settledPnl(position.side, position.size, position.entry_price, position.margin, order.price);
    const balance = add(parseDecimal(state.balance), pnl);
    const marginUsed = subtract(parseDecimal(state.margin_used), parseDecimal(position.margin));
    const closed: PositionRow = {
      ...position,
      status: "closed",
      exit_price: order.price,
      realized_pnl: formatMoney(pnl),
      closed_at: now,
    };
    const outcome: TradeOutcome<PositionView> = { status: 200, replayed: false, body: closedView(closed) };
    const ledger = { account_id: order.account_id, position_id: position.position_id, created_at: now };
    // Margin is released before the PnL is booked, so even a row-by-row reading of the ledger
    // never shows a negative `available` (a loss is at most the margin just released).
    const statements = [
      appendLedgerStatement(db, {
        ...ledger,
        seq: state.seq + 1,
        kind: "margin_released",
        amount: position.margin,
        balance_after: state.balance,
        margin_used_after: formatMoney(marginUsed),
      }),
      appendLedgerStatement(db, {
        ...ledger,
        seq: state.seq + 2,
        kind: "realized_pnl",
        amount: formatMoney(pnl),
        balance_after: formatMoney(balance),
        margin_used_after: formatMoney(marginUsed),
      }),
      closePositionStatement(db, {
        account_id: order.account_id,
        position_id: position.position_id,
        exit_price: order.price,
        realized_pnl: formatMoney(pnl),
        closed_at: now,
      }),
      ...idempotencyStatements(db, order, "close", outcome, now),
    ];
    return { statements, outcome };
  }, db);
}

/** Why a position is not among the open ones: 409 when it is the caller's and closed, else 404. */
async function notOpen(db: D1Database, order: CloseOrder): Promise<ApiError> {
  const row = await positionStatement(db, order.account_id, order.position_id).first<PositionRow>();
  return row ? positionClosed(order.position_id) : positionNotFound(order.position_id);
}
