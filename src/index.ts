import { createApp } from "./app";
import { runScheduled } from "./cron";

export { AuditSequencer } from "../durable-objects/audit-sequencer";
export { MetricsAggregator } from "../durable-objects/metrics-aggregator";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { TradingDesk } from "../durable-objects/trading-desk";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: runScheduled,
} satisfies ExportedHandler<Env>;
export { StreamRoom } from "../durable-objects/stream-room";
