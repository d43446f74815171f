import { getConfig } from "../config";
import { purgeLoginAttempts } from "../db/login-attempts";
import { purgeExpiredSessions } from "../db/sessions";
import { purgeWalletNonces } from "../db/wallet-nonces";
import { logger } from "../lib/log";
import { LOCKOUT_WINDOW_MS } from "../services/auth/accounts";
import type { CronJob } from "./index";

/** Rows deleted per statement, and statements per table per run: bounded work whatever the backlog. */
const BATCH = 1000;
const MAX_ROUNDS = 10;
/** Spent nonces stay an hour, so a late retry is told "used"/"expired" rather than "unknown". */
const NONCE_GRACE_MS = 60 * 60 * 1000;

async function drain(purge: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const deleted = await purge();
    total += deleted;
    if (deleted < BATCH) break;
  }
  return total;
}

/**
 * Deletes what identity no longer needs: spent wallet nonces, failures outside the lockout
 * window, ended locks, and sessions whose refresh tokens expired (kept until no access token
 * minted from them can still be valid, so a purge never looks like a revocation).
 */
export const identityCleanup: CronJob = async (env, _ctx, scheduledTime) => {
  const now = scheduledTime;
  const accessTtlMs = getConfig(env).ACCESS_TOKEN_TTL_SECONDS * 1000;
  const nonces = await drain(() => purgeWalletNonces(env.DB, now - NONCE_GRACE_MS, BATCH));
  const attempts = await drain(() => purgeLoginAttempts(env.DB, now - LOCKOUT_WINDOW_MS, now, BATCH));
  const sessions = await drain(() => purgeExpiredSessions(env.DB, now - accessTtlMs, BATCH));
  logger.info("identity_cleanup", { nonces, login_attempts: attempts, sessions });
};
