/** An account's ledger state: lazily opened with its starting deposit, read as one snapshot. */
import { depositStatement, type LedgerHead, ledgerHeadStatement } from "../../db/portfolio-ledger";
import { openPositionsStatement, type PositionRow } from "../../db/portfolio-positions";
import { formatMoney, parseDecimal } from "./money";

/** The currency of every ledger (API.md: balances are in USDT). */
export const CURRENCY = "USDT" as const;

/** An account's state as every trading write and read needs it, from one transaction. */
export interface AccountState {
  /** Number of the newest ledger row: the next write appends `seq + 1`. */
  seq: number;
  balance: string;
  margin_used: string;
  /** Open positions, newest first. */
  open: PositionRow[];
}

async function snapshot(db: D1Database, accountId: string): Promise<AccountState | null> {
  // One batch is one transaction: the head and the open positions belong to the same moment.
  const [head, open] = await db.batch([ledgerHeadStatement(db, accountId), openPositionsStatement(db, accountId)]);
  const row = (head?.results as LedgerHead[] | undefined)?.[0];
  if (!row) return null;
  return {
    seq: row.seq,
    balance: row.balance_after,
    margin_used: row.margin_used_after,
    open: (open?.results as PositionRow[] | undefined) ?? [],
  };
}

/**
 * The account's current state. On the first access of an account its starting deposit is
 * written (row 1, at most once however many requests race to it) with `startingBalance`.
 * @example const { balance, open } = await accountState(env.DB, userId, config.STARTING_BALANCE, Date.now())
 */
export async function accountState(
  db: D1Database,
  accountId: string,
  startingBalance: string,
  now: number,
): Promise<AccountState> {
  const state = await snapshot(db, accountId);
  if (state) return state;
  await depositStatement(db, accountId, formatMoney(parseDecimal(startingBalance)), now).run();
  const opened = await snapshot(db, accountId);
  if (!opened) throw new Error("portfolio account has no ledger after its deposit");
  return opened;
}
