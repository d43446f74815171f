/** SQL for `portfolio_positions`. Every read is scoped to the owning account. */

/** A position row. Prices, sizes and amounts are exact decimal text; times epoch ms. */
export interface PositionRow {
  position_id: string;
  account_id: string;
  symbol: string;
  side: "long" | "short";
  size: string;
  leverage: number;
  entry_price: string;
  margin: string;
  status: "open" | "closed";
  opened_at: number;
  exit_price: string | null;
  realized_pnl: string | null;
  closed_at: number | null;
}

const COLUMNS = `position_id, account_id, symbol, side, size, leverage, entry_price, margin, status,
  opened_at, exit_price, realized_pnl, closed_at`;

/** All open positions of an account, newest first (bounded by the open-positions cap). */
export function openPositionsStatement(db: D1Database, accountId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT ${COLUMNS} FROM portfolio_positions
       WHERE account_id = ?1 AND status = 'open' ORDER BY opened_at DESC, position_id DESC`,
    )
    .bind(accountId);
}

/** One position of an account; null when missing or another account's. */
export function positionStatement(db: D1Database, accountId: string, positionId: string): D1PreparedStatement {
  return db
    .prepare(`SELECT ${COLUMNS} FROM portfolio_positions WHERE position_id = ?1 AND account_id = ?2`)
    .bind(positionId, accountId);
}

/** Inserts a new open position. */
export function insertPositionStatement(
  db: D1Database,
  p: Omit<PositionRow, "status" | "exit_price" | "realized_pnl" | "closed_at">,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO portfolio_positions
         (position_id, account_id, symbol, side, size, leverage, entry_price, margin, status, opened_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'open', ?9)`,
    )
    .bind(p.position_id, p.account_id, p.symbol, p.side, p.size, p.leverage, p.entry_price, p.margin, p.opened_at);
}

/** Closes an open position of the account at `exit_price` with its realised PnL. */
export function closePositionStatement(
  db: D1Database,
  p: { account_id: string; position_id: string; exit_price: string; realized_pnl: string; closed_at: number },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE portfolio_positions SET status = 'closed', exit_price = ?3, realized_pnl = ?4, closed_at = ?5
       WHERE position_id = ?1 AND account_id = ?2 AND status = 'open'`,
    )
    .bind(p.position_id, p.account_id, p.exit_price, p.realized_pnl, p.closed_at);
}

// One statement per status, with the status as a literal: the partial indexes
// (portfolio_positions_open / _closed) serve only queries whose WHERE names their status.
const LIST_SQL = {
  open: {
    first: `SELECT ${COLUMNS} FROM portfolio_positions WHERE account_id = ?1 AND status = 'open'
      ORDER BY opened_at DESC, position_id DESC LIMIT ?2`,
    after: `SELECT ${COLUMNS} FROM portfolio_positions WHERE account_id = ?1 AND status = 'open'
      AND (opened_at, position_id) < (?3, ?4) ORDER BY opened_at DESC, position_id DESC LIMIT ?2`,
  },
  closed: {
    first: `SELECT ${COLUMNS} FROM portfolio_positions WHERE account_id = ?1 AND status = 'closed'
      ORDER BY closed_at DESC, position_id DESC LIMIT ?2`,
    after: `SELECT ${COLUMNS} FROM portfolio_positions WHERE account_id = ?1 AND status = 'closed'
      AND (closed_at, position_id) < (?3, ?4) ORDER BY closed_at DESC, position_id DESC LIMIT ?2`,
  },
} as const;

/**
 * A page of an account's positions of one status: open ones newest first by opening time,
 * closed ones most recently closed first; `after` is the last (time, id) of the previous page.
 */
export async function listPositionRows(
  db: D1Database,
  accountId: string,
  options: { status: "open" | "closed"; after?: { time: number; id: string }; limit: number },
): Promise<PositionRow[]> {
  const sql = LIST_SQL[options.status];
  const statement = options.after
    ? db.prepare(sql.after).bind(accountId, options.limit, options.after.time, options.after.id)
    : db.prepare(sql.first).bind(accountId, options.limit);
  const { results } = await statement.all<PositionRow>();
  return results;
}
