/**
 * Token bucket in exact integer arithmetic (no I/O, no clock: callers pass `now` in epoch ms).
 *
 * A bucket holds up to `capacity` tokens and gains `rate` tokens per `periodMs`. The level is
 * kept in units of 1/periodMs of a token, so one millisecond adds exactly `rate` units and one
 * request costs exactly `periodMs` units: no floats, no drift, no fixed window edges (this is
 * GCRA's "one request every periodMs/rate ms after a burst of `capacity`").
 */

/** Shape of a bucket: `capacity` tokens, refilled by `rate` tokens every `periodMs`. */
export interface BucketSpec {
  capacity: number;
  rate: number;
  periodMs: number;
}

/** Stored state: `level` in 1/periodMs token units, as of `at` (epoch ms). */
export interface BucketState {
  level: number;
  at: number;
}

/**
 * Largest values the integer arithmetic is proven safe for (every intermediate stays below
 * 2^53): capacity × periodMs ≤ 6e9 and elapsed × rate ≤ (6e9 + 2 × rate).
 */
export const MAX_CAPACITY = 100_000;
export const MAX_RATE = 100_000;

/** The spec of a per-minute bucket: `burst` tokens, `perMinute` added per minute. */
export function perMinute(perMinuteRate: number, burst: number): BucketSpec {
  return { capacity: burst, rate: perMinuteRate, periodMs: 60_000 };
}

/** The spec of a per-second cap: `cap` tokens, refilled at `cap` per second. */
export function perSecond(cap: number): BucketSpec {
  return { capacity: cap, rate: cap, periodMs: 1_000 };
}

/** Throws unless the spec is within the bounds the arithmetic is exact for. */
export function assertSpec(spec: BucketSpec): void {
  const ok =
    Number.isSafeInteger(spec.capacity) &&
    Number.isSafeInteger(spec.rate) &&
    (spec.periodMs === 1_000 || spec.periodMs === 60_000) &&
    spec.capacity >= 1 &&
    spec.capacity <= MAX_CAPACITY &&
    spec.rate >= 1 &&
    spec.rate <= MAX_RATE;
  if (!ok) throw new RangeError(`invalid bucket spec ${JSON.stringify(spec)}`);
}

const full = (spec: BucketSpec) => spec.capacity * spec.periodMs;

/** A bucket that has been idle forever: full. */
export function freshBucket(spec: BucketSpec, now: number): BucketState {
  return { level: full(spec), at: now };
}

/**
 * The bucket as of `now`. Time never runs backwards here: a clock that steps back (an object
 * moved between machines) refills nothing rather than draining or overfilling.
 */
export function refill(state: BucketState, spec: BucketSpec, now: number): BucketState {
  const cap = full(spec);
  const at = Math.max(state.at, now);
  const level = Math.min(state.level, cap);
  if (level >= cap) return { level: cap, at };
  // Clamp elapsed first so elapsed × rate cannot leave the safe-integer range after a long idle.
  const elapsed = Math.min(at - state.at, Math.ceil(cap / spec.rate) + 1);
  return { level: Math.min(cap, level + elapsed * spec.rate), at };
}

/** Whole tokens available (requests that would pass now). */
export function tokens(state: BucketState, spec: BucketSpec): number {
  return Math.floor(state.level / spec.periodMs);
}

/** Takes one token if there is one; returns the new state, or null when the bucket is empty. */
export function take(state: BucketState, spec: BucketSpec): BucketState | null {
  if (state.level < spec.periodMs) return null;
  return { level: state.level - spec.periodMs, at: state.at };
}

/** Milliseconds from `state.at` until one token is available (0 when one is). */
export function msUntilToken(state: BucketState, spec: BucketSpec): number {
  const missing = spec.periodMs - state.level;
  return missing <= 0 ? 0 : ceilDiv(missing, spec.rate);
}

/** Epoch ms at which the bucket is full again (`state.at` when it already is). */
export function fullAt(state: BucketState, spec: BucketSpec): number {
  const missing = full(spec) - state.level;
  return missing <= 0 ? state.at : state.at + ceilDiv(missing, spec.rate);
}

/** ⌈a / b⌉ for non-negative safe integers. */
function ceilDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  return q * b < a ? q + 1 : q;
}
