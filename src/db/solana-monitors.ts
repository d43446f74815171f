/** SQL for `solana_monitors` (who monitors which token) and the token rows they keep scheduled. */

/** A monitor as the API lists it, with its token's scan times. */
export interface MonitorRow {
  id: string;
  token_address: string;
  update_interval: number;
  created_at: number;
  updated_at: number;
  last_scan_at: number | null;
  next_scan_at: number | null;
}

/**
 * Starts (or re-times) monitors for one account in one transaction: one row per token (an
 * existing one keeps its id and takes the new interval), then each token's schedule: its
 * interval becomes the shortest of its monitors, a newly monitored token is due at once, and a
 * shorter interval brings the next scan forward. Returns each monitor's id by token.
 */
export async function upsertMonitors(
  db: D1Database,
  input: { account_id: string; tokens: Array<{ id: string; token_address: string }>; update_interval: number },
  now: number,
): Promise<Map<string, string>> {
  const addresses = JSON.stringify(input.tokens.map((t) => t.token_address));
  const [monitors] = await db.batch<{ id: string; token_address: string }>([
    db
      .prepare(
        `INSERT INTO solana_monitors (id, account_id, token_address, update_interval, created_at, updated_at)
         SELECT value ->> 0, ?2, value ->> 1, ?3, ?4, ?4 FROM json_each(?1) WHERE true
         ON CONFLICT (account_id, token_address)
           DO UPDATE SET update_interval = excluded.update_interval, updated_at = excluded.updated_at
         RETURNING id, token_address`,
      )
      .bind(
        JSON.stringify(input.tokens.map((t) => [t.id, t.token_address])),
        input.account_id,
        input.update_interval,
        now,
      ),
    scheduleTokensStatement(db, addresses, now),
  ]);
  return new Map((monitors?.results ?? []).map((r) => [r.token_address, r.id]));
}

/** Recomputes the schedule of tokens (a JSON array of addresses) from their monitors. */
function scheduleTokensStatement(db: D1Database, addresses: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO solana_tokens (token_address, update_interval, next_scan_at)
       SELECT j.value, (SELECT min(update_interval) FROM solana_monitors m WHERE m.token_address = j.value), 0
       FROM json_each(?1) j WHERE true
       ON CONFLICT (token_address) DO UPDATE SET
         update_interval = excluded.update_interval,
         next_scan_at = CASE
           WHEN excluded.update_interval IS NULL THEN solana_tokens.next_scan_at
           WHEN solana_tokens.update_interval IS NULL THEN ?2
           ELSE min(solana_tokens.next_scan_at, coalesce(solana_tokens.last_scan_at, 0) + excluded.update_interval * 1000)
         END`,
    )
    .bind(addresses, now);
}

/** How many tokens an account monitors. */
export async function countMonitors(db: D1Database, accountId: string): Promise<number> {
  const row = await db
    .prepare("SELECT count(*) AS n FROM solana_monitors WHERE account_id = ?1")
    .bind(accountId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Which of these tokens the account monitors already. */
export async function monitoredBy(db: D1Database, accountId: string, tokens: readonly string[]): Promise<Set<string>> {
  const { results } = await db
    .prepare(
      `SELECT token_address FROM solana_monitors
       WHERE account_id = ?1 AND token_address IN (SELECT value FROM json_each(?2))`,
    )
    .bind(accountId, JSON.stringify(tokens))
    .all<{ token_address: string }>();
  return new Set(results.map((r) => r.token_address));
}

/** One page of an account's monitors, oldest first, after the (created_at, id) position. */
export async function listMonitorRows(
  db: D1Database,
  accountId: string,
  options: { after?: { created_at: number; id: string }; limit: number },
): Promise<MonitorRow[]> {
  const after = options.after ?? { created_at: -1, id: "" };
  const { results } = await db
    .prepare(
      `SELECT m.id, m.token_address, m.update_interval, m.created_at, m.updated_at, t.last_scan_at,
              CASE WHEN t.update_interval IS NULL THEN NULL ELSE t.next_scan_at END AS next_scan_at
       FROM solana_monitors m LEFT JOIN solana_tokens t ON t.token_address = m.token_address
       WHERE m.account_id = ?1 AND (m.created_at, m.id) > (?2, ?3)
       ORDER BY m.created_at, m.id LIMIT ?4`,
    )
    .bind(accountId, after.created_at, after.id, options.limit)
    .all<MonitorRow>();
  return results;
}

/**
 * Stops one of the account's monitors and reschedules its token, atomically. Returns the
 * stopped monitor's token, or null when the account has no such monitor.
 */
export async function deleteMonitor(
  db: D1Database,
  accountId: string,
  monitoringId: string,
): Promise<{ token_address: string; update_interval: number } | null> {
  const [, deleted] = await db.batch<{ token_address: string; update_interval: number }>([
    // Reschedule first, from the monitors that will remain (this one excluded).
    db
      .prepare(
        `UPDATE solana_tokens SET update_interval = (
           SELECT min(update_interval) FROM solana_monitors m
           WHERE m.token_address = solana_tokens.token_address AND m.id <> ?1)
         WHERE token_address = (SELECT token_address FROM solana_monitors WHERE id = ?1 AND account_id = ?2)`,
      )
      .bind(monitoringId, accountId),
    db
      .prepare("DELETE FROM solana_monitors WHERE id = ?1 AND account_id = ?2 RETURNING token_address, update_interval")
      .bind(monitoringId, accountId),
  ]);
  return deleted?.results[0] ?? null;
}

/** The accounts monitoring each of these tokens. */
export async function accountsMonitoring(db: D1Database, tokens: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (tokens.length === 0) return out;
  const { results } = await db
    .prepare(
      `SELECT token_address, account_id FROM solana_monitors
       WHERE token_address IN (SELECT value FROM json_each(?1)) ORDER BY token_address, account_id`,
    )
    .bind(JSON.stringify([...new Set(tokens)]))
    .all<{ token_address: string; account_id: string }>();
  for (const r of results) out.set(r.token_address, [...(out.get(r.token_address) ?? []), r.account_id]);
  return out;
}
