import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import { logger } from "../lib/log";
import { recordEvent } from "../services/audit/record";
import { recordSecurityEvent } from "../services/audit/security-events";
import { categorize } from "../services/ratelimit/categories";
import type { Decision } from "../services/ratelimit/decide";
import { planRateLimit, type RateLimitOutcome, type RateLimitPlan } from "../services/ratelimit/policy";
import { planWebhookRateLimit } from "../services/ratelimit/webhook";
import type { AppEnv, Principal } from "../types";

/**
 * Rate limits every `/api/v1` request against its subject's Durable Object (one RPC decides the
 * per-minute bucket, the category's per-second cap and any pause), sets `X-RateLimit-Limit`,
 * `-Remaining` and `-Reset`, and refuses with 429 `rate_limit_exceeded` or
 * `temporarily_suspended` plus `Retry-After`. Mount after `authenticate()`.
 * @example app.use("/api/v1/*", rateLimit())
 */
export function rateLimit(): MiddlewareHandler<AppEnv> {
  return async function rateLimitMiddleware(c, next) {
    const outcome = await consult(c, c.get("principal"));
    const refusal = refusalFor(c, outcome);
    if (refusal) throw refusal;
    await next();
    setHeaders(c, outcome);
  };
}

/**
 * Covers requests refused before `rateLimit()` could run (bad credentials, blocked IP): they
 * are charged to the caller's IP at the anonymous rate and still carry the X-RateLimit-*
 * headers. When that IP is out of quota a credential failure (401) becomes the 429, so guessing
 * tokens or keys is throttled like any anonymous traffic. Mount before `authenticate()`.
 * @example app.use("/api/v1/*", rateLimitEarlyRefusals())
 */
export function rateLimitEarlyRefusals(): MiddlewareHandler<AppEnv> {
  return async function rateLimitEarlyRefusalsMiddleware(c, next) {
    await next();
    if (c.get("rateLimit") || !c.error) return;
    const outcome = await consult(c, undefined);
    const refusal = refusalFor(c, outcome);
    // Thrown after next(), the 429 replaces the 401 through the app's own error handler.
    if (refusal && c.res.status === 401) throw refusal;
    setHeaders(c, outcome);
  };
}

async function consult(c: Context<AppEnv>, principal: Principal | undefined): Promise<RateLimitOutcome> {
  const config = c.get("config");
  const webhook = c.get("webhook");
  const plan = webhook
    ? planWebhookRateLimit(config, webhook)
    : planRateLimit(config, principal, c.get("clientIp"), categorize(c.req.method, c.req.path));
  if (principal?.rate_limit && plan.source === "tier" && plan.tier !== "anonymous") {
    logger.warn("rate_limit_key_limit_invalid", { key_id: principal.key_id, request_id: c.get("requestId") });
  }
  const outcome: RateLimitOutcome = {
    subject: plan.subject,
    tier: plan.tier,
    category: plan.category,
    limit: plan.input.minute.ratePerMinute,
    decision: await callLimiter(c, plan, config.RATE_LIMIT_TIMEOUT_MS),
  };
  c.set("rateLimit", outcome);
  return outcome;
}

/** One RPC to the subject's object; null when it fails or does not answer in time. */
async function callLimiter(c: Context<AppEnv>, plan: RateLimitPlan, timeoutMs: number): Promise<Decision | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const namespace = c.env.RATE_LIMITER;
    const stub = namespace.get(namespace.idFromName(plan.subject));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return await Promise.race([stub.check(plan.input), timeout]);
  } catch (err) {
    logger.error("rate_limiter_unavailable", {
      request_id: c.get("requestId"),
      category: plan.category,
      error: err instanceof Error ? err.message : String(err),
    });
    return null;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

function headersFor(outcome: RateLimitOutcome): Record<string, string> {
  const d = outcome.decision;
  // Without an answer the remaining quota is unknown: say the limit, claim nothing else.
  if (!d) return { "X-RateLimit-Limit": String(outcome.limit) };
  return {
    "X-RateLimit-Limit": String(d.limit),
    "X-RateLimit-Remaining": String(d.remaining),
    "X-RateLimit-Reset": String(d.reset),
  };
}

function setHeaders(c: Context<AppEnv>, outcome: RateLimitOutcome): void {
  for (const [name, value] of Object.entries(headersFor(outcome))) c.header(name, value);
}

/** The 429 for a refused request (recording a pause when this request started one), else null. */
function refusalFor(c: Context<AppEnv>, outcome: RateLimitOutcome): ApiError | null {
  const d = outcome.decision;
  const headers = headersFor(outcome);
  if (!d) {
    if (!outcome.category || !c.get("config").RATE_LIMIT_FAIL_CLOSED.includes(outcome.category)) return null;
    return new ApiError("rate_limit_exceeded", "The rate limiter is unavailable; retry shortly.", {
      details: { reason: "limiter_unavailable", category: outcome.category, retry_after: 1 },
      headers: { ...headers, "Retry-After": "1" },
    });
  }
  if (d.allowed) return null;
  headers["Retry-After"] = String(d.retryAfter);
  if (d.code === "temporarily_suspended" && d.suspension) {
    if (d.suspension.started) recordSuspension(c, outcome, d.suspension);
    return new ApiError(
      "temporarily_suspended",
      `Too many refused requests: paused for ${d.retryAfter} s (Retry-After).`,
      {
        details: {
          reason: "repeated_limit_violations",
          retry_after: d.retryAfter,
          suspended_until: new Date(d.suspension.until).toISOString(),
          strike: d.suspension.strike,
        },
        headers,
      },
    );
  }
  const byCategory = d.refusedBy !== null && d.refusedBy !== "minute";
  return new ApiError(
    "rate_limit_exceeded",
    byCategory
      ? `Rate limit exceeded: too many ${outcome.category} requests per second. Retry after ${d.retryAfter} s.`
      : `Rate limit exceeded: ${d.limit} requests per minute. Retry after ${d.retryAfter} s.`,
    {
      details: {
        limited_by: byCategory ? "per_second" : "per_minute",
        category: outcome.category,
        retry_after: d.retryAfter,
      },
      headers,
    },
  );
}

function recordSuspension(c: Context<AppEnv>, outcome: RateLimitOutcome, s: NonNullable<Decision["suspension"]>) {
  const principal = outcome.tier === "anonymous" ? undefined : c.get("principal");
  const config = c.get("config");
  const details = {
    subject: outcome.subject,
    tier: outcome.tier,
    reason: "repeated_limit_violations",
    refusals: s.refusals,
    window_seconds: config.RATE_LIMIT_SUSPEND_WINDOW_SECONDS,
    pause_seconds: s.pauseSeconds,
    strike: s.strike,
    suspended_until: new Date(s.until).toISOString(),
  };
  recordEvent(c, {
    event: "ratelimit.suspended",
    account_id: principal?.user_id ?? null,
    key_id: principal?.key_id ?? null,
    details,
  });
  recordSecurityEvent(c, {
    type: "rate_limit_suspension",
    ip: c.get("clientIp"),
    account_id: principal?.user_id ?? null,
    details,
  });
}
