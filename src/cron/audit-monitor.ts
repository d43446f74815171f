import { logger } from "../lib/log";
import { replaySpool, sequencer } from "../services/audit/pipeline";
import { detectConcurrentSessions } from "../services/security/concurrent-sessions";
import type { CronJob } from "./index";

/**
 * Every minute: hands batches spooled during a sequencer outage back to it, nudges the
 * sequencer's outbox (its own alarm retries too; this covers a lost alarm), and raises
 * `concurrent_sessions` events.
 */
export const auditMonitor: CronJob = async (env, _ctx, scheduledTime) => {
  const replayed = await replaySpool(env);
  const { pending } = await sequencer(env).flush();
  const concurrent = await detectConcurrentSessions(env.DB, scheduledTime);
  logger.info("audit_monitor", { replayed, pending, concurrent_sessions: concurrent });
};
