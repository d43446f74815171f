/**
 * Rate-limit plan for webhook deliveries authenticated by a shared secret (the Solana webhook):
 * one subject per webhook source, with its own per-minute rate and burst and no per-second
 * category cap, so a provider's retries are neither counted against the IP it sends from at
 * the anonymous rate nor able to starve anyone else. Pure.
 */
import type { Config } from "../../config";
import { planRateLimit, type RateLimitPlan } from "./policy";

/** Plans the limiter call for a webhook delivery (subject `webhook:<source>`). */
export function planWebhookRateLimit(config: Config, source: "solana"): RateLimitPlan {
  const base = planRateLimit(config, undefined, "webhook", null);
  return {
    ...base,
    subject: `webhook:${source}`,
    input: {
      ...base.input,
      minute: { ratePerMinute: config.RATE_LIMIT_WEBHOOK_PER_MINUTE, burst: config.RATE_LIMIT_WEBHOOK_BURST },
    },
  };
}
