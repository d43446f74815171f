import { describe, expect, it } from "vitest";
import {
  type AbusePolicy,
  type CheckInput,
  type Decision,
  decide,
  emptyState,
  quietAt,
  type SubjectState,
} from "../../../src/services/ratelimit/decide";

const T0 = 1_700_000_000_000;
const ABUSE: AbusePolicy = {
  threshold: 100,
  windowMs: 60_000,
  pauseMs: 60_000,
  maxPauseMs: 3_600_000,
  escalationMs: 3_600_000,
};
const ANONYMOUS_MARKET: CheckInput = {
  minute: { ratePerMinute: 60, burst: 100 },
  category: { name: "market", perSecond: 100 },
  abuse: ABUSE,
};
const BASIC_TOKEN: CheckInput = {
  minute: { ratePerMinute: 300, burst: 500 },
  category: { name: "token", perSecond: 10 },
  abuse: ABUSE,
};

function run(state: SubjectState, input: CheckInput, now: number, times: number): Decision[] {
  return Array.from({ length: times }, () => decide(state, input, now).decision);
}

describe("decide: minute bucket, category cap and pause together", () => {
  it("counts Remaining down exactly and keeps Reset at the moment the bucket is full again", () => {
    const state = emptyState();
    const [first, second] = run(state, ANONYMOUS_MARKET, T0, 2);
    expect(first).toMatchObject({ allowed: true, limit: 60, remaining: 99, reset: Math.ceil((T0 + 1000) / 1000) });
    expect(second).toMatchObject({ allowed: true, remaining: 98, reset: Math.ceil((T0 + 2000) / 1000) });
    const rest = run(state, ANONYMOUS_MARKET, T0, 98);
    expect(rest.at(-1)).toMatchObject({ allowed: true, remaining: 0, reset: Math.ceil((T0 + 100_000) / 1000) });
  });

  it("refuses the request after the burst with Retry-After until the next token", () => {
    const state = emptyState();
    run(state, ANONYMOUS_MARKET, T0, 100);
    const refused = decide(state, ANONYMOUS_MARKET, T0 + 250).decision;
    expect(refused).toMatchObject({
      allowed: false,
      code: "rate_limit_exceeded",
      refusedBy: "minute",
      remaining: 0,
      retryAfter: 1,
    });
    expect(decide(state, ANONYMOUS_MARKET, T0 + 1000).decision.allowed).toBe(true);
  });

  it("lets a per-second category cap bite before a larger minute bucket, without charging the bucket", () => {
    const state = emptyState();
    const decisions = run(state, BASIC_TOKEN, T0, 15);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const refused = decisions[10];
    expect(refused).toMatchObject({ allowed: false, code: "rate_limit_exceeded", refusedBy: "token", retryAfter: 1 });
    // Refusals cost nothing: the minute bucket spent exactly the 10 admitted requests.
    const later = decide(state, { ...BASIC_TOKEN, category: null }, T0).decision;
    expect(later).toMatchObject({ allowed: true, remaining: 500 - 11 });
  });

  it("reports Remaining as the smaller of the minute bucket and the category cap", () => {
    const state = emptyState();
    const d = decide(state, BASIC_TOKEN, T0).decision;
    expect(d.remaining).toBe(9);
  });

  it("keeps each category's cap separate while sharing the minute bucket", () => {
    const state = emptyState();
    run(state, BASIC_TOKEN, T0, 10);
    const market = decide(state, { ...BASIC_TOKEN, category: { name: "market", perSecond: 100 } }, T0).decision;
    // The token cap is spent but the market cap is untouched (99 of 100 left after this one)...
    expect(market).toMatchObject({ allowed: true, remaining: 99 });
    // ...while both drew from the one minute bucket: 500 - 10 - 1 - this one.
    expect(decide(state, { ...BASIC_TOKEN, category: null }, T0).decision.remaining).toBe(488);
  });

  it("pauses a subject after more than `threshold` refusals within the window, once", () => {
    const state = emptyState();
    const input: CheckInput = { ...ANONYMOUS_MARKET, minute: { ratePerMinute: 1, burst: 1 } };
    expect(decide(state, input, T0).decision.allowed).toBe(true);
    const refusals = run(state, input, T0 + 1, 100);
    expect(refusals.every((d) => d.code === "rate_limit_exceeded")).toBe(true);
    const tipping = decide(state, input, T0 + 2).decision;
    expect(tipping).toMatchObject({
      allowed: false,
      code: "temporarily_suspended",
      retryAfter: 60,
      suspension: { started: true, strike: 1, pauseSeconds: 60, refusals: 101, until: T0 + 2 + 60_000 },
    });
    const during = decide(state, input, T0 + 30_002).decision;
    expect(during).toMatchObject({ code: "temporarily_suspended", retryAfter: 30, suspension: { started: false } });
    // After the pause the bucket answers again (it refilled meanwhile).
    expect(decide(state, input, T0 + 60_002).decision.allowed).toBe(true);
  });

  it("does not pause when the refusals are spread wider than the window", () => {
    const state = emptyState();
    const input: CheckInput = {
      minute: { ratePerMinute: 1, burst: 1 },
      category: null,
      abuse: { ...ABUSE, threshold: 3 },
    };
    decide(state, input, T0); // spends the only token; the next one comes at T0 + 60 s
    const codes = [T0 + 1, T0 + 2, T0 + 3].map((t) => decide(state, input, t).decision.code);
    expect(codes).toEqual(["rate_limit_exceeded", "rate_limit_exceeded", "rate_limit_exceeded"]);
    expect(decide(state, { ...input, minute: { ratePerMinute: 1, burst: 1 } }, T0 + 60_000).decision.allowed).toBe(
      true,
    );
    // 4th refusal exactly one window after the 1st: not "within" the window.
    expect(decide(state, input, T0 + 60_001).decision.code).toBe("rate_limit_exceeded");
    expect(decide(state, input, T0 + 60_002).decision.code).toBe("rate_limit_exceeded");
    expect(decide(state, input, T0 + 60_003).decision.code).toBe("rate_limit_exceeded");
    // Now four refusals sit within 60 s (T0+3 .. T0+60003 is 60 s exactly, so not yet)...
    expect(decide(state, input, T0 + 60_004).decision.code).toBe("temporarily_suspended");
  });

  it("doubles the pause for each repeat within the escalation window, up to the maximum", () => {
    const state = emptyState();
    const input: CheckInput = {
      minute: { ratePerMinute: 1, burst: 1 },
      category: null,
      abuse: { threshold: 2, windowMs: 60_000, pauseMs: 60_000, maxPauseMs: 300_000, escalationMs: 3_600_000 },
    };
    let now = T0;
    const pauses: number[] = [];
    for (let round = 0; round < 5; round++) {
      let d: Decision;
      do {
        d = decide(state, input, now).decision;
        now += 1;
      } while (d.code !== "temporarily_suspended");
      pauses.push(d.suspension?.pauseSeconds ?? -1);
      now = (d.suspension?.until ?? now) + 10_000; // come back 10 s after the pause and hammer again
    }
    expect(pauses).toEqual([60, 120, 240, 300, 300]);
  });

  it("starts again from the first pause after an hour of good behaviour", () => {
    const state = emptyState();
    const input: CheckInput = {
      minute: { ratePerMinute: 1, burst: 1 },
      category: null,
      abuse: { ...ABUSE, threshold: 2 },
    };
    const hammer = (from: number) => {
      for (let t = from; ; t++) {
        const d = decide(state, input, t).decision;
        if (d.code === "temporarily_suspended") return d;
      }
    };
    const first = hammer(T0);
    const second = hammer((first.suspension?.until ?? 0) + 1);
    expect(second.suspension?.strike).toBe(2);
    const third = hammer((second.suspension?.until ?? 0) + 3_600_001);
    expect(third.suspension).toMatchObject({ strike: 1, pauseSeconds: 60 });
  });

  it("is quiet (safe to forget) only once every bucket is full and no pause needs remembering", () => {
    const state = emptyState();
    expect(quietAt(state)).toBe(0);
    run(state, ANONYMOUS_MARKET, T0, 3);
    expect(quietAt(state)).toBe(T0 + 3000);
    const input: CheckInput = {
      ...ANONYMOUS_MARKET,
      minute: { ratePerMinute: 60, burst: 1 },
      abuse: { ...ABUSE, threshold: 1 },
    };
    const paused = emptyState();
    run(paused, input, T0, 3);
    expect(paused.pause.until).toBe(T0 + 60_000);
    expect(quietAt(paused)).toBe(T0 + 60_000 + 3_600_000);
  });

  it("refuses limits outside the exact range instead of computing with them", () => {
    const state = emptyState();
    expect(() => decide(state, { ...ANONYMOUS_MARKET, minute: { ratePerMinute: 0, burst: 10 } }, T0)).toThrow(
      RangeError,
    );
    expect(() => decide(state, { ...ANONYMOUS_MARKET, minute: { ratePerMinute: 60, burst: 1.5 } }, T0)).toThrow(
      RangeError,
    );
    expect(() => decide(state, { ...ANONYMOUS_MARKET, abuse: { ...ABUSE, threshold: 0 } }, T0)).toThrow(RangeError);
    expect(state.buckets.size).toBe(0);
  });

  it("reports only what changed, so the object writes as little as possible", () => {
    const state = emptyState();
    expect(decide(state, ANONYMOUS_MARKET, T0).changes).toEqual({
      buckets: ["minute", "cat:market"],
      refusal: null,
      ringCleared: false,
      subject: false,
    });
    run(state, ANONYMOUS_MARKET, T0, 99);
    const refused = decide(state, ANONYMOUS_MARKET, T0).changes;
    expect(refused).toMatchObject({ buckets: [], refusal: { slot: 0, at: T0 }, subject: true });
  });
});
