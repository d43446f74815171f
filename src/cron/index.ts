import { logger } from "../lib/log";
import { analysisTraining } from "./analysis-training";
import { auditMonitor } from "./audit-monitor";
import { auditRetention } from "./audit-retention";
import { identityCleanup } from "./identity-cleanup";
import { pullMarketUpstream } from "./market-pull";
import { portfolioCleanup } from "./portfolio-cleanup";
import { solanaAnomalyScan, solanaRpcPull } from "./solana";

/** A background job run by a Cron Trigger. Jobs log their own failures and never throw. */
export type CronJob = (env: Env, ctx: ExecutionContext, scheduledTime: number) => Promise<void>;

/**
 * Which jobs each cron expression of wrangler.toml runs. Later capabilities add their jobs here.
 */
export const CRON_JOBS: Record<string, Array<{ name: string; run: CronJob }>> = {
  "* * * * *": [
    { name: "market-upstream-pull", run: pullMarketUpstream },
    { name: "solana-rpc-pull", run: solanaRpcPull },
    { name: "solana-anomaly-scan", run: solanaAnomalyScan },
    { name: "audit-monitor", run: auditMonitor },
  ],
  "*/5 * * * *": [
    { name: "identity-cleanup", run: identityCleanup },
    { name: "analysis-training", run: analysisTraining },
    { name: "portfolio-cleanup", run: portfolioCleanup },
  ],
  "17 3 * * *": [{ name: "audit-retention", run: auditRetention }],
};

/** The Worker's `scheduled` handler: runs the jobs of the firing cron, isolating their failures. */
export async function runScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const jobs = CRON_JOBS[controller.cron] ?? [];
  if (jobs.length === 0) logger.warn("cron_no_jobs", { cron: controller.cron });
  await Promise.all(
    jobs.map(async (job) => {
      const started = Date.now();
      try {
        await job.run(env, ctx, controller.scheduledTime);
        logger.info("cron_job_done", { cron: controller.cron, job: job.name, ms: Date.now() - started });
      } catch (err) {
        logger.error("cron_job_failed", {
          cron: controller.cron,
          job: job.name,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }),
  );
}
