import { describe, expect, it } from "vitest";
import {
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
} from "../../../src/services/ratelimit/bucket";

const T0 = 1_700_000_000_000;

/** Asks for a token at `now`, like one request would. */
function ask(state: BucketState, spec: BucketSpec, now: number): { ok: boolean; state: BucketState } {
  const current = refill(state, spec, now);
  const after = take(current, spec);
  return after ? { ok: true, state: after } : { ok: false, state: current };
}

/** Drains the bucket at `now`; returns how many requests passed and the state. */
function drain(state: BucketState, spec: BucketSpec, now: number): { passed: number; state: BucketState } {
  let passed = 0;
  let s = state;
  for (;;) {
    const r = ask(s, spec, now);
    s = r.state;
    if (!r.ok) return { passed, state: s };
    passed += 1;
  }
}

describe("token bucket (injected clock)", () => {
  it("lets the whole burst through at once after a quiet period, and not one more", () => {
    const spec = perMinute(60, 100);
    const { passed } = drain(freshBucket(spec, T0), spec, T0);
    expect(passed).toBe(100);
  });

  it("then admits exactly one request every 60/rate seconds", () => {
    const spec = perMinute(60, 100);
    let state = drain(freshBucket(spec, T0), spec, T0).state;
    // 60/min: one every 1000 ms. One millisecond early is still refused.
    for (let k = 1; k <= 5; k++) {
      expect(ask(state, spec, T0 + k * 1000 - 1).ok).toBe(false);
      const r = ask(state, spec, T0 + k * 1000);
      expect(r.ok).toBe(true);
      state = r.state;
      expect(ask(state, spec, T0 + k * 1000).ok).toBe(false);
    }
  });

  it("spaces requests exactly when 60/rate is not a whole number of milliseconds", () => {
    const spec = perMinute(7, 3); // one every 8571.43 ms
    let state = drain(freshBucket(spec, T0), spec, T0).state;
    const admittedAt: number[] = [];
    for (let t = T0; t <= T0 + 60_000; t++) {
      const r = ask(state, spec, t);
      state = r.state;
      if (r.ok) admittedAt.push(t - T0);
    }
    // The k-th request after the burst passes at the first millisecond where k·60000/7 ms have elapsed.
    const expected = Array.from({ length: 7 }, (_, i) => Math.ceil(((i + 1) * 60_000) / 7));
    expect(admittedAt).toEqual(expected);
    expect(admittedAt).toHaveLength(7);
  });

  it("has no window edge: a burst just before a minute boundary is not followed by another just after it", () => {
    const spec = perMinute(60, 100);
    const boundary = Math.ceil(T0 / 60_000) * 60_000;
    const before = drain(freshBucket(spec, boundary - 1), spec, boundary - 1);
    expect(before.passed).toBe(100);
    const after = drain(before.state, spec, boundary + 1);
    expect(after.passed).toBe(0);
    // Across the whole next minute only the refill (60) passes, never a second burst.
    let state = after.state;
    let passed = 0;
    for (let t = boundary + 1; t < boundary - 1 + 60_000; t++) {
      const r = ask(state, spec, t);
      state = r.state;
      if (r.ok) passed += 1;
    }
    expect(passed).toBe(59);
  });

  it("reports the whole tokens left and the exact moment the bucket is full again", () => {
    const spec = perMinute(60, 100);
    let state = freshBucket(spec, T0);
    expect(tokens(state, spec)).toBe(100);
    expect(fullAt(state, spec)).toBe(T0);
    for (let i = 0; i < 3; i++) state = take(state, spec) as BucketState;
    expect(tokens(state, spec)).toBe(97);
    expect(fullAt(state, spec)).toBe(T0 + 3000);
    // Half a token later: still 97 whole tokens, full 500 ms sooner.
    state = refill(state, spec, T0 + 500);
    expect(tokens(state, spec)).toBe(97);
    expect(fullAt(state, spec)).toBe(T0 + 3000);
    expect(msUntilToken(state, spec)).toBe(0);
  });

  it("says how long until the next token when empty", () => {
    const spec = perMinute(120, 1); // one every 500 ms
    const empty = take(freshBucket(spec, T0), spec) as BucketState;
    expect(msUntilToken(empty, spec)).toBe(500);
    expect(msUntilToken(refill(empty, spec, T0 + 200), spec)).toBe(300);
  });

  it("per-second caps hold the cap and refill at the cap per second", () => {
    const spec = perSecond(10);
    const first = drain(freshBucket(spec, T0), spec, T0);
    expect(first.passed).toBe(10);
    expect(drain(first.state, spec, T0 + 99).passed).toBe(0);
    expect(drain(first.state, spec, T0 + 100).passed).toBe(1);
    expect(drain(first.state, spec, T0 + 1000).passed).toBe(10);
    expect(drain(first.state, spec, T0 + 60_000).passed).toBe(10);
  });

  it("caps at capacity after a very long idle period without losing integer precision", () => {
    const spec = perMinute(100_000, 100_000);
    const empty = drain(freshBucket(spec, 0), spec, 0).state;
    const later = refill(empty, spec, T0 * 10);
    expect(later.level).toBe(100_000 * 60_000);
    expect(Number.isSafeInteger(later.level)).toBe(true);
  });

  it("refills nothing when the clock steps backwards", () => {
    const spec = perMinute(60, 2);
    const state = drain(freshBucket(spec, T0), spec, T0).state;
    const back = refill(state, spec, T0 - 30_000);
    expect(back).toEqual({ level: 0, at: T0 });
    expect(ask(back, spec, T0 + 999).ok).toBe(false);
    expect(ask(back, spec, T0 + 1000).ok).toBe(true);
  });

  it("clamps a bucket to a smaller capacity when the limit is lowered", () => {
    const big = perMinute(60, 100);
    const small = perMinute(60, 10);
    const state = refill(freshBucket(big, T0), small, T0 + 1);
    expect(tokens(state, small)).toBe(10);
  });
});
