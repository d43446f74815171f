import { purgeExpiredIdempotency } from "../db/portfolio-idempotency";
import { logger } from "../lib/log";
import type { CronJob } from "./index";

/** Rows deleted per statement, and statements per run: bounded work whatever the backlog. */
const BATCH = 1000;
const MAX_ROUNDS = 20;

/**
 * Deletes Idempotency-Key records past their 24 hours. Expired records are already ignored
 * (and replaced by a new use of their key), so this only keeps the table small.
 */
export const portfolioCleanup: CronJob = async (env, _ctx, scheduledTime) => {
  let deleted = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const n = await purgeExpiredIdempotency(env.DB, scheduledTime, BATCH);
    deleted += n;
    if (n < BATCH) break;
  }
  logger.info("portfolio_cleanup", { idempotency_keys: deleted });
};
