/** Cron jobs of Solana token monitoring: the RPC pull and the anomaly scan (every minute). */
import { logger } from "../lib/log";
import { pullSolanaRpc } from "../services/solana/rpc-pull";
import { runAnomalyScan } from "../services/solana/scan-run";
import type { CronJob } from "./index";

/** Pulls new transfers of monitored mints over Solana JSON-RPC (when `SOLANA_RPC_URL` is set). */
export const solanaRpcPull: CronJob = async (env, _ctx, scheduledTime) => {
  const report = await pullSolanaRpc(env, scheduledTime);
  if (report) logger.info("solana_rpc_pull_done", { ...report });
};

/** Scans the monitored tokens that are due and publishes what it finds. */
export const solanaAnomalyScan: CronJob = async (env, ctx, scheduledTime) => {
  const report = await runAnomalyScan(env, ctx, scheduledTime);
  logger.info("solana_scan_done", { ...report });
};
