/** SQL for `portfolio_ledger`: each account's numbered balance and margin movements. */

/** The kinds of ledger rows (migrations/0009_portfolio.sql explains each). */
export type LedgerKind = "deposit" | "margin_reserved" | "realized_pnl" | "margin_released";

/** A ledger row. Amounts are exact decimal text. */
export interface LedgerRow {
  account_id: string;
  seq: number;
  kind: LedgerKind;
  amount: string;
  position_id: string | null;
  balance_after: string;
  margin_used_after: string;
  created_at: number;
}

/** The running totals after an account's newest row. */
export type LedgerHead = Pick<LedgerRow, "seq" | "balance_after" | "margin_used_after">;

/** Reads the newest row of an account (none before its first access). */
export function ledgerHeadStatement(db: D1Database, accountId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT seq, balance_after, margin_used_after FROM portfolio_ledger
       WHERE account_id = ?1 ORDER BY seq DESC LIMIT 1`,
    )
    .bind(accountId);
}

/** Writes row 1, the starting deposit, unless the account already has it (exactly once, even when raced). */
export function depositStatement(db: D1Database, accountId: string, amount: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO portfolio_ledger
         (account_id, seq, kind, amount, position_id, balance_after, margin_used_after, created_at)
       VALUES (?1, 1, 'deposit', ?2, NULL, ?2, '0.00', ?3)
       ON CONFLICT (account_id, seq) DO NOTHING`,
    )
    .bind(accountId, amount, now);
}

/**
 * Appends a row. A plain INSERT on purpose: if another write already took this number, the
 * primary key fails the statement and with it the whole batch (the caller re-reads and retries).
 */
export function appendLedgerStatement(db: D1Database, row: LedgerRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO portfolio_ledger
         (account_id, seq, kind, amount, position_id, balance_after, margin_used_after, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
    )
    .bind(
      row.account_id,
      row.seq,
      row.kind,
      row.amount,
      row.position_id,
      row.balance_after,
      row.margin_used_after,
      row.created_at,
    );
}

/** An account's rows, oldest first (for reconciliation and tests). */
export async function ledgerRows(db: D1Database, accountId: string): Promise<LedgerRow[]> {
  const { results } = await db
    .prepare(
      `SELECT account_id, seq, kind, amount, position_id, balance_after, margin_used_after, created_at
       FROM portfolio_ledger WHERE account_id = ?1 ORDER BY seq`,
    )
    .bind(accountId)
    .all<LedgerRow>();
  return results;
}

/** True when a D1 error is the ledger's primary key refusing a taken number. */
export function isLedgerConflict(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /UNIQUE constraint failed: portfolio_ledger\./.test(message);
}
