import { afterEach, describe, expect, it, vi } from "vitest";
import { call, expectError, json, tokenFor } from "../helpers";
import { freshIp, keyApp, limitedApp, rateHeaders, rateLimitEnv, sender } from "../rate-limit-helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("rate limiting: exactness under concurrency", () => {
  it("admits exactly the anonymous burst of 150 concurrent market requests; the rest get 429 with Retry-After", async () => {
    const send = sender(limitedApp(), { ip: freshIp() });
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 150 }, () => send("/api/v1/market/__test/price")));
    const elapsed = Date.now() - started;
    const passed = responses.filter((r) => r.status === 200).length;
    // Burst 100; 60/min refills one more per whole second the run took.
    expect(passed).toBeGreaterThanOrEqual(100);
    expect(passed).toBeLessThanOrEqual(100 + Math.floor(elapsed / 1000) + 1);
    const refused = responses.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(150 - passed);
    for (const res of refused) {
      const error = await expectError(res, 429, "rate_limit_exceeded");
      expect(error.details).toMatchObject({ limited_by: "per_minute", category: "market", retry_after: 1 });
      expect(rateHeaders(res)).toMatchObject({ limit: "60", remaining: "0", retryAfter: "1" });
    }
  });

  it("keeps two API keys' buckets apart", async () => {
    const send = sender(keyApp(), {
      env: rateLimitEnv({ RATE_LIMIT_BASIC_PER_MINUTE: "1", RATE_LIMIT_BASIC_BURST: "3" }),
    });
    const [a, b] = [`key_a_${crypto.randomUUID()}`, `key_b_${crypto.randomUUID()}`];
    const first = await Promise.all(
      Array.from({ length: 5 }, () => send("/api/v1/market/__test/price", { headers: { "x-test-key": a } })),
    );
    expect(first.map((r) => r.status)).toEqual(expect.arrayContaining([200, 200, 200, 429, 429]));
    expect(first.filter((r) => r.status === 200)).toHaveLength(3);
    const other = await send("/api/v1/market/__test/price", { headers: { "x-test-key": b } });
    expect(other.status).toBe(200);
    expect(rateHeaders(other)).toMatchObject({ limit: "1", remaining: "2" });
  });

  it("lets a per-second category cap bite before the minute bucket, and refusals cost no quota", async () => {
    const send = sender(limitedApp(), { ip: freshIp() });
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 30 }, () => send("/api/v1/token/__test/probe")));
    const elapsed = Date.now() - started;
    const passed = responses.filter((r) => r.status === 200).length;
    // Token operations: 10/s (capacity 10), far below the anonymous burst of 100.
    expect(passed).toBeGreaterThanOrEqual(10);
    expect(passed).toBeLessThanOrEqual(10 + Math.ceil((elapsed * 10) / 1000) + 1);
    const refused = responses.find((r) => r.status === 429);
    expect(refused).toBeDefined();
    const error = await expectError(refused as Response, 429, "rate_limit_exceeded");
    expect(error.details).toMatchObject({ limited_by: "per_second", category: "token" });
    // The minute bucket paid only for the admitted requests (plus this one).
    const market = await send("/api/v1/market/__test/price");
    expect(market.status).toBe(200);
    const remaining = Number(market.headers.get("X-RateLimit-Remaining"));
    expect(remaining).toBeGreaterThanOrEqual(100 - passed - 1);
    expect(remaining).toBeLessThanOrEqual(100 - passed - 1 + Math.ceil(elapsed / 1000) + 1);
  });
});

describe("rate limiting: headers", () => {
  it("counts Remaining down and gives Reset as the epoch second the bucket is full again", async () => {
    const send = sender(limitedApp(), { ip: freshIp() });
    const before = Math.floor(Date.now() / 1000);
    const first = await send("/api/v1/market/__test/price");
    const second = await send("/api/v1/market/__test/price");
    const after = Math.ceil(Date.now() / 1000);
    expect(rateHeaders(first)).toMatchObject({ limit: "60", remaining: "99", retryAfter: null });
    expect(rateHeaders(second)).toMatchObject({ limit: "60", remaining: "98" });
    // Two tokens spent at 60/min: full again two seconds later.
    const reset = Number(second.headers.get("X-RateLimit-Reset"));
    expect(reset).toBeGreaterThanOrEqual(before + 2);
    expect(reset).toBeLessThanOrEqual(after + 2);
  });

  it("puts the headers on unknown routes and handler errors under /api/v1 too", async () => {
    const send = sender(limitedApp(), { ip: freshIp() });
    const missing = await send("/api/v1/no-such-thing");
    await expectError(missing, 404, "not_found");
    expect(rateHeaders(missing)).toMatchObject({ limit: "60", remaining: "99" });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const boom = await send("/api/v1/market/__test/boom");
    await expectError(boom, 500, "internal_error");
    expect(rateHeaders(boom)).toMatchObject({ limit: "60", remaining: "98" });
  });

  it("documents Retry-After and the X-RateLimit-* headers on the shared 429 response", async () => {
    const doc = await json(await call("/openapi.json"));
    const headers = doc.components.responses.TooManyRequests.headers;
    expect(Object.keys(headers).sort()).toEqual([
      "Retry-After",
      "X-RateLimit-Limit",
      "X-RateLimit-Remaining",
      "X-RateLimit-Reset",
    ]);
    expect(headers["Retry-After"].schema.type).toBe("integer");
  });

  it("leaves routes outside /api/v1 alone", async () => {
    const res = await sender(limitedApp(), { ip: freshIp() })("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("X-RateLimit-Limit")).toBeNull();
  });

  it("gives JWT callers the JWT rate, counted per user whatever their IP", async () => {
    const send = sender(limitedApp());
    const user = `usr_${crypto.randomUUID()}`;
    const auth = { Authorization: `Bearer ${await tokenFor("trader", user)}` };
    // An uncategorised path, so Remaining is the minute bucket alone (no per-second cap).
    const a = await send("/api/v1/no-such-thing", { ip: freshIp(), headers: auth });
    const b = await send("/api/v1/no-such-thing", { ip: freshIp(), headers: auth });
    expect(rateHeaders(a)).toMatchObject({ limit: "120", remaining: "199" });
    expect(rateHeaders(b)).toMatchObject({ limit: "120", remaining: "198" });
    const other = await send("/api/v1/no-such-thing", {
      ip: freshIp(),
      headers: { Authorization: `Bearer ${await tokenFor("trader", `usr_${crypto.randomUUID()}`)}` },
    });
    expect(rateHeaders(other)).toMatchObject({ remaining: "199" });
  });

  it("applies an enterprise key's admin-set limit", async () => {
    const send = sender(keyApp());
    const res = await send("/api/v1/market/__test/price", {
      headers: { "x-test-key": `key_${crypto.randomUUID()}`, "x-test-tier": "enterprise", "x-test-limit": "6000/9000" },
    });
    expect(rateHeaders(res)).toMatchObject({ limit: "6000", remaining: "99" });
    const fallback = await send("/api/v1/market/__test/price", {
      headers: { "x-test-key": `key_${crypto.randomUUID()}`, "x-test-tier": "enterprise" },
    });
    expect(rateHeaders(fallback)).toMatchObject({ limit: "1000" });
  });
});
