/** Cron job: pull candles and last prices from the upstream exchange (when configured). */
import { logger } from "../lib/log";
import { pullUpstream } from "../services/market/pull";
import { publishMarket } from "../services/realtime/publish";
import type { CronJob } from "./index";

/** Runs one upstream pull; failures are logged per symbol and never delete stored data. */
export const pullMarketUpstream: CronJob = async (env, _ctx, scheduledTime) => {
  const report = await pullUpstream(env, (updates) => publishMarket(env, updates), scheduledTime);
  if (report) logger.info("market_pull_done", { ...report });
};
