/** SQL for `solana_windows`: per-token 5-minute volume windows kept up to date by the scanner. */
import { HOLDS_LEASE } from "./solana-tokens";

/** A stored window. Volumes are exact decimal text. */
export interface WindowRow {
  window_start: number;
  transfers: number;
  volume: string;
  volume_usd: string;
  unpriced: number;
  largest_usd: string | null;
  last_time: number;
}

const COLUMNS = "window_start, transfers, volume, volume_usd, unpriced, largest_usd, last_time";

/** The statement reading a token's windows with `window_start` in [from, to]. */
export function windowsInRangeStatement(db: D1Database, mint: string, from: number, to: number): D1PreparedStatement {
  return db
    .prepare(
      `SELECT ${COLUMNS} FROM solana_windows WHERE mint = ?1 AND window_start >= ?2 AND window_start <= ?3
       ORDER BY window_start`,
    )
    .bind(mint, from, to);
}

/** The statement reading the token's windows that start at these times. */
export function windowsAtStatement(db: D1Database, mint: string, starts: readonly number[]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT ${COLUMNS} FROM solana_windows
       WHERE mint = ?1 AND window_start IN (SELECT value FROM json_each(?2))`,
    )
    .bind(mint, JSON.stringify(starts));
}

/** The statement reading the start of the token's first window (null before any scan). */
export function firstWindowStatement(db: D1Database, mint: string): D1PreparedStatement {
  return db.prepare("SELECT min(window_start) AS first FROM solana_windows WHERE mint = ?1").bind(mint);
}

/** Writes windows' new totals, only while run `runId` holds the token's scan lease. */
export function upsertWindowsStatement(
  db: D1Database,
  mint: string,
  runId: string,
  rows: readonly WindowRow[],
): D1PreparedStatement {
  const tuples = rows.map((w) => [
    w.window_start,
    w.transfers,
    w.volume,
    w.volume_usd,
    w.unpriced,
    w.largest_usd,
    w.last_time,
  ]);
  return db
    .prepare(
      `INSERT INTO solana_windows (mint, window_start, transfers, volume, volume_usd, unpriced, largest_usd, last_time)
       SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
       FROM json_each(?3) WHERE ${HOLDS_LEASE}
       ON CONFLICT (mint, window_start) DO UPDATE SET
         transfers = excluded.transfers, volume = excluded.volume, volume_usd = excluded.volume_usd,
         unpriced = excluded.unpriced, largest_usd = excluded.largest_usd, last_time = excluded.last_time`,
    )
    .bind(mint, runId, JSON.stringify(tuples));
}
