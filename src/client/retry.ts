/**
 * When and how long the client waits before trying a request again. Pure: the clock and the
 * random source are passed in, so the policy is testable without waiting.
 */

/** Bounds of the retries of one call. */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 turns retries off). */
  maxAttempts: number;
  /** First backoff step; each further attempt doubles it (full jitter). */
  baseDelayMs: number;
  /** Longest single wait. A `Retry-After` beyond it is not waited for: the error surfaces at once. */
  maxDelayMs: number;
  /** Longest time from the first attempt to the start of the last one. */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 20_000,
  maxElapsedMs: 60_000,
};

// Durable states, not overloads: waiting a second does not end a trading halt or train a model.
const NOT_TRANSIENT_503 = new Set(["trading_halted", "AI_001"]);

/** True for answers worth another attempt: 429 (rate limited) and 503 (unavailable) unless its code is a durable state. */
export function isRetryableAnswer(status: number, code: string): boolean {
  if (status === 429) return true;
  return status === 503 && !NOT_TRANSIENT_503.has(code);
}

/** GET, HEAD, OPTIONS, PUT and DELETE may be repeated (RFC 9110 §9.2.2); POST and PATCH may not. */
export function isIdempotentMethod(method: string): boolean {
  return ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].includes(method.toUpperCase());
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * The wait before attempt `attempt + 1`. With `Retry-After` the server's time is honoured and
 * up to one base step of jitter is added, so clients told the same second do not return in
 * lockstep; without it, full jitter over an exponential step (`random() × base × 2^(attempt-1)`,
 * capped at `maxDelayMs`).
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | null,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (retryAfterMs !== null) return retryAfterMs + Math.floor(random() * policy.baseDelayMs);
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * step);
}

/** True when one more attempt after `delayMs` stays inside the policy's bounds. */
export function withinBudget(attempt: number, delayMs: number, elapsedMs: number, policy: RetryPolicy): boolean {
  return attempt < policy.maxAttempts && delayMs <= policy.maxDelayMs && elapsedMs + delayMs <= policy.maxElapsedMs;
}
