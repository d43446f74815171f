import { getConfig } from "../config";
import { purgeAuditPrefix } from "../db/audit-log";
import { purgeExpiredBlocks } from "../db/ip-blocks";
import { purgeSecurityEvents } from "../db/security-events";
import { logger } from "../lib/log";
import type { CronJob } from "./index";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows deleted per statement. */
export const PURGE_BATCH = 2000;
/** A run stops after this long and leaves the rest for the next day (bounded work per run). */
export const PURGE_BUDGET_MS = 60_000;
/** Expired IP blocks are kept this long (visible to investigations), then deleted. */
const EXPIRED_BLOCK_KEEP_MS = 30 * DAY_MS;

async function drain(purge: () => Promise<number>, deadline: number): Promise<number> {
  let total = 0;
  while (Date.now() < deadline) {
    const deleted = await purge();
    total += deleted;
    if (deleted < PURGE_BATCH) break;
  }
  return total;
}

/**
 * Daily retention: audit entries and security events older than AUDIT_RETENTION_DAYS, and IP
 * blocks expired for 30 days. Audit entries go as a prefix of the chain, the anchor moving with
 * them, so the rest stays verifiable (see db/audit-log.ts `purgeAuditPrefix`).
 */
export const auditRetention: CronJob = async (env, _ctx, scheduledTime) => {
  const cutoff = scheduledTime - getConfig(env).AUDIT_RETENTION_DAYS * DAY_MS;
  const deadline = Date.now() + PURGE_BUDGET_MS;
  const entries = await drain(() => purgeAuditPrefix(env.DB, cutoff, PURGE_BATCH, scheduledTime), deadline);
  const events = await drain(() => purgeSecurityEvents(env.DB, cutoff, PURGE_BATCH), deadline);
  const blocks = await drain(
    () => purgeExpiredBlocks(env.DB, scheduledTime - EXPIRED_BLOCK_KEEP_MS, PURGE_BATCH),
    deadline,
  );
  logger.info("audit_retention", {
    cutoff: new Date(cutoff).toISOString(),
    entries,
    security_events: events,
    ip_blocks: blocks,
  });
};
