import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FLUSH_DELAY_MS } from "../../durable-objects/rate-limiter";
import type { CheckInput } from "../../src/services/ratelimit/decide";

const ABUSE = { threshold: 100, windowMs: 60_000, pauseMs: 60_000, maxPauseMs: 3_600_000, escalationMs: 3_600_000 };
const ANONYMOUS_MARKET: CheckInput = {
  minute: { ratePerMinute: 60, burst: 100 },
  category: { name: "market", perSecond: 100 },
  abuse: ABUSE,
};

function limiter(subject = `test:${crypto.randomUUID()}`) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(subject));
}

/** Waits until changes made so far have been written to storage. */
const flushed = () => new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS * 3));

function tables(stub: DurableObjectStub<import("../../src/index").RateLimiter>) {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
      )
      .toArray()
      .map((r) => r.name)
      .sort(),
  );
}

describe("RateLimiter Durable Object", () => {
  it("admits exactly the burst (plus what refilled meanwhile) of 150 concurrent checks", async () => {
    const stub = limiter();
    const started = Date.now();
    const decisions = await Promise.all(Array.from({ length: 150 }, () => stub.check(ANONYMOUS_MARKET)));
    const elapsed = Date.now() - started;
    const allowed = decisions.filter((d) => d.allowed).length;
    // 60/min refills one token per full second that passed during the run.
    expect(allowed).toBeGreaterThanOrEqual(100);
    expect(allowed).toBeLessThanOrEqual(100 + Math.floor(elapsed / 1000) + 1);
    const refused = decisions.filter((d) => !d.allowed);
    expect(refused.length).toBe(150 - allowed);
    for (const d of refused) expect(d).toMatchObject({ code: "rate_limit_exceeded", remaining: 0, retryAfter: 1 });
  });

  it("keeps subjects apart: draining one key's bucket leaves another's full", async () => {
    const a = limiter(`key:key_a_${crypto.randomUUID()}`);
    const b = limiter(`key:key_b_${crypto.randomUUID()}`);
    const tiny: CheckInput = { ...ANONYMOUS_MARKET, minute: { ratePerMinute: 1, burst: 2 } };
    await a.check(tiny);
    await a.check(tiny);
    expect(await a.check(tiny)).toMatchObject({ allowed: false });
    expect(await b.check(tiny)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("resumes from storage after the object is evicted", async () => {
    const subject = `test:${crypto.randomUUID()}`;
    const slow: CheckInput = { ...ANONYMOUS_MARKET, minute: { ratePerMinute: 1, burst: 50 } };
    for (let i = 0; i < 30; i++) await limiter(subject).check(slow);
    // Eviction follows idleness, by which time the coalesced writes have long been made.
    await flushed();
    await abortAllDurableObjects();
    // A new instance loads the 20 tokens left (1/min refills nothing during the test).
    expect(await limiter(subject).check(slow)).toMatchObject({ allowed: true, remaining: 19 });
  });

  it("writes a pause through at once, so even an immediate restart remembers it", async () => {
    const subject = `test:${crypto.randomUUID()}`;
    const stub = limiter(subject);
    const strict: CheckInput = {
      minute: { ratePerMinute: 1, burst: 1 },
      category: null,
      abuse: { ...ABUSE, threshold: 2 },
    };
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await stub.check(strict)).code);
    expect(codes).toEqual([null, "rate_limit_exceeded", "rate_limit_exceeded", "temporarily_suspended"]);
    await abortAllDurableObjects();
    const after = await limiter(subject).check(strict);
    expect(after).toMatchObject({ code: "temporarily_suspended", suspension: { started: false, strike: 1 } });
    expect(after.retryAfter).toBeGreaterThan(50);
  });

  it("keeps its state in SQLite tables and schedules a cleanup alarm", async () => {
    const stub = limiter();
    await stub.check(ANONYMOUS_MARKET);
    await flushed();
    expect(await tables(stub)).toEqual(["buckets", "refusals", "subject"]);
    const stored = await runInDurableObject(stub, async (_i, state) => ({
      buckets: state.storage.sql.exec("SELECT name, level FROM buckets ORDER BY name").toArray(),
      alarm: await state.storage.getAlarm(),
    }));
    expect(stored.buckets).toEqual([
      { name: "cat:market", level: 99 * 1000 },
      { name: "minute", level: 99 * 60_000 },
    ]);
    expect(stored.alarm).toBeGreaterThan(Date.now());
  });

  it("deletes a quiet subject's storage when its alarm runs, and starts afresh after", async () => {
    const stub = limiter();
    // 100000/min refills a token in 0.6 ms: the subject is quiet almost at once.
    const fast: CheckInput = { minute: { ratePerMinute: 100_000, burst: 1 }, category: null, abuse: ABUSE };
    expect(await stub.check(fast)).toMatchObject({ allowed: true });
    await new Promise((r) => setTimeout(r, 5));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await runInDurableObject(stub, async (_i, state) => ({
      tables: state.storage.sql
        .exec<{ n: number }>(
          "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('buckets', 'refusals', 'subject')",
        )
        .one().n,
      alarm: await state.storage.getAlarm(),
    }));
    expect(after).toEqual({ tables: 0, alarm: null });
    expect(await stub.check(fast)).toMatchObject({ allowed: true, remaining: 0 });
    await flushed();
    expect(await tables(stub)).toEqual(["buckets", "refusals", "subject"]);
  });

  it("keeps a busy or paused subject when its alarm runs early, and looks again later", async () => {
    const stub = limiter();
    for (let i = 0; i < 10; i++) await stub.check(ANONYMOUS_MARKET);
    await flushed();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = await runInDurableObject(stub, async (_i, state) => ({
      rows: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM buckets").one().n,
      alarm: await state.storage.getAlarm(),
    }));
    expect(after.rows).toBe(2);
    expect(after.alarm).toBeGreaterThan(Date.now() + 9_000);
    expect(await stub.check(ANONYMOUS_MARKET)).toMatchObject({ allowed: true, remaining: 89 });
  });

  it("still answers the health probe", async () => {
    expect(await limiter("health:probe").ping()).toBe("pong");
  });
});
