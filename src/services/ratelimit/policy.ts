/**
 * Who is counted and against which limits: turns configuration, the caller and the endpoint
 * category into one `CheckInput` for the subject's Durable Object. Pure.
 */
import type { Config } from "../../config";
import type { Principal } from "../../types";
import { MAX_CAPACITY, MAX_RATE } from "./bucket";
import type { Category, CheckInput, Decision } from "./decide";
import { ipSubject } from "./subject";

/** Rate-limit tiers: the principal's tier, or `anonymous` for callers counted per IP. */
export type Tier = "anonymous" | Principal["tier"];

/** The request's subject, tier, category and the limits sent to the subject's object. */
export interface RateLimitPlan {
  subject: string;
  tier: Tier;
  category: Category | null;
  /** `key` when an admin-set per-key limit applies, else `tier`. */
  source: "tier" | "key";
  input: CheckInput;
}

/** What the middleware decided for a request; `decision` is null when the limiter was unreachable. */
export interface RateLimitOutcome {
  subject: string;
  tier: Tier;
  category: Category | null;
  /** The per-minute rate that applied (`X-RateLimit-Limit`). */
  limit: number;
  decision: Decision | null;
}

/** The per-minute rate and burst of a tier from configuration. */
export function tierLimits(config: Config, tier: Tier): { ratePerMinute: number; burst: number } {
  switch (tier) {
    case "anonymous":
      return { ratePerMinute: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE, burst: config.RATE_LIMIT_ANONYMOUS_BURST };
    case "jwt":
      return { ratePerMinute: config.RATE_LIMIT_JWT_PER_MINUTE, burst: config.RATE_LIMIT_JWT_BURST };
    case "basic":
      return { ratePerMinute: config.RATE_LIMIT_BASIC_PER_MINUTE, burst: config.RATE_LIMIT_BASIC_BURST };
    case "premium":
      return { ratePerMinute: config.RATE_LIMIT_PREMIUM_PER_MINUTE, burst: config.RATE_LIMIT_PREMIUM_BURST };
    case "enterprise":
      return { ratePerMinute: config.RATE_LIMIT_ENTERPRISE_PER_MINUTE, burst: config.RATE_LIMIT_ENTERPRISE_BURST };
  }
}

/** The per-second cap of a category from configuration. */
export function categoryCap(config: Config, category: Category): number {
  switch (category) {
    case "market":
      return config.RATE_LIMIT_MARKET_PER_SECOND;
    case "trading":
      return config.RATE_LIMIT_TRADING_PER_SECOND;
    case "account":
      return config.RATE_LIMIT_ACCOUNT_PER_SECOND;
    case "token":
      return config.RATE_LIMIT_TOKEN_PER_SECOND;
    case "auth":
      return config.RATE_LIMIT_AUTH_PER_SECOND;
  }
}

const isLimit = (n: unknown, max: number): n is number =>
  Number.isSafeInteger(n) && (n as number) >= 1 && (n as number) <= max;

/** True when a per-key limit is usable (whole numbers within the limiter's exact range). */
export function validKeyLimit(limit: Principal["rate_limit"]): limit is NonNullable<Principal["rate_limit"]> {
  return !!limit && isLimit(limit.rate_per_minute, MAX_RATE) && isLimit(limit.burst, MAX_CAPACITY);
}

/**
 * Plans the limiter call for one request. `/auth/*` is always counted per IP at the anonymous
 * rate, whatever credentials it carries: it is where credentials are guessed.
 * @example planRateLimit(config, c.get("principal"), c.get("clientIp"), "market")
 */
export function planRateLimit(
  config: Config,
  principal: Principal | undefined,
  ip: string,
  category: Category | null,
): RateLimitPlan {
  const counted = category === "auth" ? undefined : principal;
  const tier: Tier = counted ? counted.tier : "anonymous";
  const subject = !counted
    ? ipSubject(ip)
    : counted.kind === "api_key" && counted.key_id
      ? `key:${counted.key_id}`
      : `user:${counted.user_id}`;
  const keyLimit = counted?.rate_limit;
  const source = validKeyLimit(keyLimit) ? "key" : "tier";
  const minute =
    source === "key" && keyLimit
      ? { ratePerMinute: keyLimit.rate_per_minute, burst: keyLimit.burst }
      : tierLimits(config, tier);
  return {
    subject,
    tier,
    category,
    source,
    input: {
      minute,
      category: category ? { name: category, perSecond: categoryCap(config, category) } : null,
      abuse: {
        threshold: config.RATE_LIMIT_SUSPEND_AFTER,
        windowMs: config.RATE_LIMIT_SUSPEND_WINDOW_SECONDS * 1000,
        pauseMs: config.RATE_LIMIT_SUSPEND_SECONDS * 1000,
        maxPauseMs: config.RATE_LIMIT_SUSPEND_MAX_SECONDS * 1000,
        escalationMs: config.RATE_LIMIT_ESCALATION_WINDOW_SECONDS * 1000,
      },
    },
  };
}
