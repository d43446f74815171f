/**
 * One subject's rate-limit decision, pure: the per-minute bucket, the per-second category cap
 * and the abuse pause, decided together from in-memory state and an injected clock. The
 * Durable Object owns the state and persists what `decide` reports as changed.
 */
import {
  assertSpec,
  type BucketSpec,
  type BucketState,
  freshBucket,
  fullAt,
  msUntilToken,
  perMinute,
  perSecond,
  refill,
  take,
  tokens,
} from "./bucket";

/** Endpoint categories with their own per-second cap (README, "Rate limits"). */
export const CATEGORIES = ["market", "trading", "account", "token", "auth"] as const;
export type Category = (typeof CATEGORIES)[number];

/** When refusals turn into a pause, and how pauses escalate. Times in ms. */
export interface AbusePolicy {
  /** More refusals than this within `windowMs` pause the subject. */
  threshold: number;
  windowMs: number;
  /** First pause; each repeat within `escalationMs` of the previous pause's end doubles it. */
  pauseMs: number;
  maxPauseMs: number;
  escalationMs: number;
}

/** What the Worker asks for one request: the subject's limits, sent with every call. */
export interface CheckInput {
  minute: { ratePerMinute: number; burst: number };
  category: { name: Category; perSecond: number } | null;
  abuse: AbusePolicy;
}

/** Everything the response headers and the audit trail need. */
export interface Decision {
  allowed: boolean;
  code: "rate_limit_exceeded" | "temporarily_suspended" | null;
  /** Which limit refused: the minute bucket or a category cap (null when allowed or paused). */
  refusedBy: "minute" | Category | null;
  /** `X-RateLimit-Limit`: the per-minute rate. */
  limit: number;
  /** `X-RateLimit-Remaining`: requests that would pass right now. */
  remaining: number;
  /** `X-RateLimit-Reset`: epoch seconds when the buckets are full again. */
  reset: number;
  /** `Retry-After` seconds for a refusal; 0 when allowed. */
  retryAfter: number;
  /** Set while the subject is paused; `started` only on the request that caused the pause. */
  suspension: { started: boolean; until: number; pauseSeconds: number; strike: number; refusals: number } | null;
}

/** A stored bucket remembers when it will be full, so idleness is known without its spec. */
export interface StoredBucket extends BucketState {
  fullAt: number;
}

/** Everything the object keeps about one subject. */
export interface SubjectState {
  buckets: Map<string, StoredBucket>;
  /** Ring of the last `size` refusal times, `seq` refusals recorded since the last reset. */
  ring: { size: number; seq: number; times: number[] };
  /** After this, no stored refusal can count towards a pause any more. */
  ringQuietAt: number;
  /** The latest pause: its end, its strike (1 = first), and when it stops counting for escalation. */
  pause: { until: number; strike: number; forgetAt: number };
}

/** What `decide` changed, so the object writes only that. */
export interface Changes {
  buckets: string[];
  refusal: { slot: number; at: number } | null;
  ringCleared: boolean;
  subject: boolean;
}

/** State of a subject never seen (or idle long enough to be forgotten). */
export function emptyState(): SubjectState {
  return {
    buckets: new Map(),
    ring: { size: 0, seq: 0, times: [] },
    ringQuietAt: 0,
    pause: { until: 0, strike: 0, forgetAt: 0 },
  };
}

/** Epoch ms after which the state is indistinguishable from `emptyState()` (safe to delete). */
export function quietAt(state: SubjectState): number {
  let at = Math.max(state.ringQuietAt, state.pause.forgetAt);
  for (const bucket of state.buckets.values()) at = Math.max(at, bucket.fullAt);
  return at;
}

/** Throws on limits outside what the arithmetic is exact for (the Worker validates first). */
export function assertInput(input: CheckInput): void {
  assertSpec(perMinute(input.minute.ratePerMinute, input.minute.burst));
  if (input.category) assertSpec(perSecond(input.category.perSecond));
  const { threshold, windowMs, pauseMs, maxPauseMs, escalationMs } = input.abuse;
  for (const n of [threshold, windowMs, pauseMs, maxPauseMs, escalationMs]) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`invalid abuse policy ${JSON.stringify(input.abuse)}`);
  }
  if (threshold > 10_000) throw new RangeError("abuse threshold above 10000");
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * Decides one request at `now` (epoch ms) and updates `state` in place. Nothing is taken from
 * any bucket unless every bucket has a token, so a refusal never costs the caller quota.
 */
export function decide(state: SubjectState, input: CheckInput, now: number): { decision: Decision; changes: Changes } {
  assertInput(input);
  const changes: Changes = { buckets: [], refusal: null, ringCleared: false, subject: false };
  const limit = input.minute.ratePerMinute;
  const minuteSpec = perMinute(limit, input.minute.burst);
  const minute = current(state, "minute", minuteSpec, now);
  const catName = input.category ? `cat:${input.category.name}` : null;
  const catSpec = input.category ? perSecond(input.category.perSecond) : null;
  const cat = catName && catSpec ? current(state, catName, catSpec, now) : null;
  const fullMs = Math.max(fullAt(minute, minuteSpec), cat && catSpec ? fullAt(cat, catSpec) : 0);

  if (state.pause.until > now) {
    return { decision: paused(state, limit, fullMs, now, false, 0), changes };
  }

  const minuteAfter = take(minute, minuteSpec);
  const catAfter = cat && catSpec ? take(cat, catSpec) : null;
  if (minuteAfter && (!cat || catAfter)) {
    store(state, changes, "minute", minuteAfter, minuteSpec);
    let remaining = tokens(minuteAfter, minuteSpec);
    let reset = fullAt(minuteAfter, minuteSpec);
    if (catName && catSpec && catAfter) {
      store(state, changes, catName, catAfter, catSpec);
      remaining = Math.min(remaining, tokens(catAfter, catSpec));
      reset = Math.max(reset, fullAt(catAfter, catSpec));
    }
    const decision: Decision = {
      allowed: true,
      code: null,
      refusedBy: null,
      limit,
      remaining,
      reset: epochSeconds(reset),
      retryAfter: 0,
      suspension: null,
    };
    return { decision, changes };
  }

  // Refused: report the limit that keeps the caller waiting longest.
  const minuteWait = minuteAfter ? 0 : minute.at + msUntilToken(minute, minuteSpec) - now;
  const catWait = cat && catSpec && !catAfter ? cat.at + msUntilToken(cat, catSpec) - now : 0;
  const refusedBy = minuteWait >= catWait ? "minute" : (input.category?.name ?? "minute");
  const refusals = recordRefusal(state, input.abuse, now, changes);
  if (refusals > 0) {
    return { decision: paused(state, limit, fullMs, now, true, refusals), changes };
  }
  const decision: Decision = {
    allowed: false,
    code: "rate_limit_exceeded",
    refusedBy,
    limit,
    remaining: 0,
    reset: epochSeconds(fullMs),
    retryAfter: seconds(Math.max(minuteWait, catWait)),
    suspension: null,
  };
  return { decision, changes };
}

function current(state: SubjectState, name: string, spec: BucketSpec, now: number): BucketState {
  const stored = state.buckets.get(name);
  return stored ? refill(stored, spec, now) : freshBucket(spec, now);
}

function store(state: SubjectState, changes: Changes, name: string, bucket: BucketState, spec: BucketSpec): void {
  state.buckets.set(name, { level: bucket.level, at: bucket.at, fullAt: fullAt(bucket, spec) });
  changes.buckets.push(name);
}

function paused(
  state: SubjectState,
  limit: number,
  fullMs: number,
  now: number,
  started: boolean,
  refusals: number,
): Decision {
  const { until, strike } = state.pause;
  return {
    allowed: false,
    code: "temporarily_suspended",
    refusedBy: null,
    limit,
    remaining: 0,
    reset: epochSeconds(Math.max(fullMs, until)),
    retryAfter: seconds(until - now),
    suspension: { started, until, pauseSeconds: seconds(until - now), strike, refusals },
  };
}

/**
 * Records a refusal in the ring; when it makes more than `threshold` refusals within the
 * window, starts a pause and returns how many refusals caused it (0 otherwise).
 */
function recordRefusal(state: SubjectState, abuse: AbusePolicy, now: number, changes: Changes): number {
  const size = abuse.threshold + 1;
  if (state.ring.size !== size) {
    // The threshold changed: the old ring's slots no longer line up, start counting afresh.
    state.ring = { size, seq: 0, times: [] };
    changes.ringCleared = true;
  }
  const ring = state.ring;
  const slot = ring.seq % size;
  ring.times[slot] = now;
  ring.seq += 1;
  state.ringQuietAt = Math.max(state.ringQuietAt, now + abuse.windowMs);
  changes.refusal = { slot, at: now };
  changes.subject = true;
  // The slot after the newest holds the refusal `threshold` refusals ago.
  const oldest = ring.times[ring.seq % size];
  if (ring.seq < size || oldest === undefined || now - oldest >= abuse.windowMs) return 0;

  const repeat = state.pause.until > 0 && now - state.pause.until <= abuse.escalationMs;
  const strike = repeat ? state.pause.strike + 1 : 1;
  let pauseMs = abuse.pauseMs;
  for (let i = 1; i < strike && pauseMs < abuse.maxPauseMs; i++) pauseMs *= 2;
  pauseMs = Math.min(pauseMs, abuse.maxPauseMs);
  state.pause = { until: now + pauseMs, strike, forgetAt: now + pauseMs + abuse.escalationMs };
  // Refusals that led to this pause are spent; the next pause needs a fresh run of them.
  state.ring = { size, seq: 0, times: [] };
  changes.ringCleared = true;
  changes.refusal = null;
  return size;
}
