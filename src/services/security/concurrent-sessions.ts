import { accountsWithManyIps } from "../../db/audit-log";
import { insertSecurityEventOnce } from "../../db/security-events";
import { securityEventRow } from "../audit/security-events";

/** An account active from more than MAX_IPS distinct IPs within WINDOW_MS is suspicious [003]. */
export const MAX_IPS = 5;
export const WINDOW_MS = 10 * 60 * 1000;
/** Accounts judged per run (the worst cases first are not needed: every one gets its event). */
const MAX_ACCOUNTS = 500;

/**
 * Raises `concurrent_sessions` for every account that used more than 5 distinct IPs within the
 * last 10 minutes, at most once per account per 10 minutes while it lasts. Returns events raised.
 */
export async function detectConcurrentSessions(db: D1Database, now: number): Promise<number> {
  const accounts = await accountsWithManyIps(db, now - WINDOW_MS, MAX_IPS, MAX_ACCOUNTS);
  let raised = 0;
  for (const account of accounts) {
    const ips = account.sample.split(",").slice(0, 10);
    const row = securityEventRow(
      {
        type: "concurrent_sessions",
        ip: null,
        account_id: account.account_id,
        details: { distinct_ips: account.ips, ips, window_seconds: WINDOW_MS / 1000 },
      },
      now,
    );
    if (await insertSecurityEventOnce(db, row, now - WINDOW_MS)) raised += 1;
  }
  return raised;
}
