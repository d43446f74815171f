/** Helpers for portfolio tests: fresh traders and symbols, prices moved by real trade ingests. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { ingest } from "./fixtures/market";
import { json } from "./helpers";
import { account, send } from "./key-helpers";

export const POSITIONS = "/api/v1/portfolio/positions";
export const BALANCE = "/api/v1/portfolio/balance";

/** A fresh trader account (JWT) with its user id. */
export function trader() {
  return account("trader");
}

let lastTradeTime = 0;

/** Moves the live price of `symbol` by ingesting a trade (creating the symbol on first use). */
export async function setPrice(symbol: string, price: string): Promise<void> {
  // Strictly increasing trade times, so each trade is the newest and moves the price.
  lastTradeTime = Math.max(Date.now(), lastTradeTime + 1);
  const res = await ingest({
    exchange: "binance",
    trades: [{ symbol, price, size: "1", timestamp: new Date(lastTradeTime).toISOString() }],
  });
  expect(res.body, `ingest ${symbol} @ ${price}`).toEqual({ accepted: 1, rejected: [] });
}

/** A symbol no other test uses, with a live price. */
export async function freshSymbol(price: string): Promise<string> {
  const symbol = `P${crypto.randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}-USDT`;
  await setPrice(symbol, price);
  return symbol;
}

/** POST /portfolio/positions with a JWT header set. */
export function openWith(headers: Record<string, string>, body: unknown, extra: Record<string, string> = {}) {
  return send("POST", POSITIONS, { ...headers, ...extra }, body);
}

/** Opens a position (asserting 201) and returns its id. */
export async function openOk(headers: Record<string, string>, body: Record<string, unknown>): Promise<string> {
  const res = await openWith(headers, body);
  const payload = await json(res);
  expect(res.status, JSON.stringify(payload)).toBe(201);
  return payload.position_id;
}

/** DELETE /portfolio/positions/{id}. */
export function closeWith(headers: Record<string, string>, id: string, extra: Record<string, string> = {}) {
  return send("DELETE", `${POSITIONS}/${id}`, { ...headers, ...extra });
}

/** GET /portfolio/balance (asserting 200). */
// biome-ignore lint/suspicious/noExplicitAny: assertions inspect arbitrary JSON.
export async function balanceOf(headers: Record<string, string>): Promise<any> {
  const res = await send("GET", BALANCE, headers);
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

/**
 * A money string in units of 10^-8, parsed independently of the service's decimal module, so
 * reconciliation does not check the code with itself.
 */
export function units(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,8}))?$/.exec(amount);
  if (!match) throw new Error(`not an 8-digit money amount: ${amount}`);
  const value = BigInt(`${match[2]}${(match[3] ?? "").padEnd(8, "0")}`);
  return match[1] === "-" ? -value : value;
}

interface LedgerRow {
  seq: number;
  kind: string;
  amount: string;
  position_id: string | null;
  balance_after: string;
  margin_used_after: string;
}

/**
 * Checks an account's books from D1: ledger numbers 1..n without gaps, each row's running
 * totals equal to the sums of the rows so far, balance = deposit + Σ realised PnL of its closed
 * positions, margin used = Σ margin of its open positions, and available never negative.
 * Returns the final totals in 10^-8 units.
 */
export async function reconcile(userId: string): Promise<{ balance: bigint; marginUsed: bigint; rows: LedgerRow[] }> {
  const { results: rows } = await env.DB.prepare(
    "SELECT seq, kind, amount, position_id, balance_after, margin_used_after FROM portfolio_ledger WHERE account_id = ?1 ORDER BY seq",
  )
    .bind(userId)
    .all<LedgerRow>();
  let balance = 0n;
  let marginUsed = 0n;
  rows.forEach((row, i) => {
    expect(row.seq).toBe(i + 1);
    if (row.kind === "deposit" || row.kind === "realized_pnl") balance += units(row.amount);
    if (row.kind === "margin_reserved") marginUsed += units(row.amount);
    if (row.kind === "margin_released") marginUsed -= units(row.amount);
    expect(units(row.balance_after), `balance after row ${row.seq}`).toBe(balance);
    expect(units(row.margin_used_after), `margin used after row ${row.seq}`).toBe(marginUsed);
    expect(balance - marginUsed >= 0n, `available after row ${row.seq}`).toBe(true);
  });
  const { results: positions } = await env.DB.prepare(
    "SELECT status, margin, realized_pnl FROM portfolio_positions WHERE account_id = ?1",
  )
    .bind(userId)
    .all<{ status: string; margin: string; realized_pnl: string | null }>();
  const deposit = rows[0]?.kind === "deposit" ? units(rows[0].amount) : 0n;
  const realised = positions.reduce((s, p) => s + (p.realized_pnl === null ? 0n : units(p.realized_pnl)), 0n);
  const openMargin = positions.reduce((s, p) => s + (p.status === "open" ? units(p.margin) : 0n), 0n);
  expect(balance).toBe(deposit + realised);
  expect(marginUsed).toBe(openMargin);
  return { balance, marginUsed, rows };
}
