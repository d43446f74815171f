/**
 * Trading writes as the Worker makes them: replay a stored Idempotency-Key outcome if there is
 * one, read the live price, then hand the order to the account's TradingDesk.
 */
import { type PositionRow, positionStatement } from "../../db/portfolio-positions";
import { ApiError } from "../../errors";
import { getLatestPrice } from "../market/prices";
import type { CloseOrder, OpenedPosition, OpenOrder } from "./execute";
import { requestHash, storedOutcome, type TradeOutcome } from "./idempotency";
import type { Side } from "./position-math";
import { type PositionView, positionClosed, positionNotFound } from "./view";

/** A validated open request. */
export interface OpenInput {
  symbol: string;
  size: string;
  type: Side;
  leverage: number;
}

function desk(env: Env, accountId: string) {
  return env.TRADING_DESK.get(env.TRADING_DESK.idFromName(accountId));
}

function unwrap<T>(
  result:
    | { ok: true; outcome: TradeOutcome<T> }
    | { ok: false; error: { code: ApiError["code"]; message: string; details: Record<string, unknown> } },
): TradeOutcome<T> {
  if (!result.ok) throw new ApiError(result.error.code, result.error.message, { details: result.error.details });
  return result.outcome;
}

/**
 * Opens a position for the account at the live price of its symbol (MARKET_001 when the symbol
 * is unknown or has no price). With an `idempotencyKey`, a repeat of a completed request gets
 * its stored outcome without touching the price or the desk.
 * @example const { status, body } = await openPosition(env, userId, { symbol: "BTC-USDT", size: "0.5", type: "long", leverage: 1 })
 */
export async function openPosition(
  env: Env,
  accountId: string,
  input: OpenInput,
  idempotencyKey?: string,
): Promise<TradeOutcome<OpenedPosition>> {
  const claim = idempotencyKey
    ? { key: idempotencyKey, request_hash: await requestHash("open", { ...input }) }
    : undefined;
  if (claim) {
    const stored = await storedOutcome<OpenedPosition>(env.DB, accountId, "open", claim, Date.now());
    if (stored) return stored;
  }
  const { price } = await getLatestPrice(env, input.symbol);
  const order: OpenOrder = { account_id: accountId, ...input, price, ...(claim ? { idempotency: claim } : {}) };
  return unwrap(await desk(env, accountId).open(order));
}

/**
 * Closes one of the account's positions at the live price of its symbol. 404 for a position
 * that is missing or another account's; 409 for one already closed (unless the Idempotency-Key
 * of the close that closed it is repeated, which replays that close's response).
 */
export async function closePosition(
  env: Env,
  accountId: string,
  positionId: string,
  idempotencyKey?: string,
): Promise<TradeOutcome<PositionView>> {
  const claim = idempotencyKey
    ? { key: idempotencyKey, request_hash: await requestHash("close", { position_id: positionId }) }
    : undefined;
  if (claim) {
    const stored = await storedOutcome<PositionView>(env.DB, accountId, "close", claim, Date.now());
    if (stored) return stored;
  }
  const row = await positionStatement(env.DB, accountId, positionId).first<PositionRow>();
  if (!row) throw positionNotFound(positionId);
  if (row.status === "closed") throw positionClosed(positionId);
  const { price } = await getLatestPrice(env, row.symbol);
  const order: CloseOrder = {
    account_id: accountId,
    position_id: positionId,
    price,
    ...(claim ? { idempotency: claim } : {}),
  };
  return unwrap(await desk(env, accountId).close(order));
}
