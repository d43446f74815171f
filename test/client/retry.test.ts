import { describe, expect, it } from "vitest";
import { memorySessionStore, ParapetClient } from "../../src/client";
import { DEFAULT_RETRY, isRetryableAnswer, parseRetryAfter, retryDelay, withinBudget } from "../../src/client/retry";
import { recordingFetch } from "../client-helpers";
import { ingest } from "../fixtures/market";
import { BASE, tokenFor } from "../helpers";
import { freshIp, rateLimitEnv } from "../rate-limit-helpers";

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A client of `createApp()` under `env` from a fresh IP, whose waits are recorded (and really waited). */
function limitedClient(env: Env, options: { token?: string } = {}) {
  const { fetch, seen } = recordingFetch(env, freshIp());
  const waits: number[] = [];
  const far = new Date(Date.now() + 3_600_000).toISOString();
  const client = new ParapetClient({
    baseUrl: BASE,
    fetch,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
      await realSleep(ms);
    },
    ...(options.token
      ? {
          sessionStore: memorySessionStore({
            access_token: options.token,
            refresh_token: "rt_unused",
            expires_at: far,
          }),
        }
      : {}),
  });
  return { client, seen, waits };
}

async function seedPrice(symbol: string): Promise<void> {
  const timestamp = new Date().toISOString();
  const result = await ingest({ exchange: "binance", trades: [{ symbol, price: "65000.10", size: "0.5", timestamp }] });
  expect(result.status).toBe(202);
}

describe("client retries against the real rate limiter", () => {
  it("retries a 429 after its Retry-After and then succeeds", async () => {
    await seedPrice("RTRY-USDT");
    // One anonymous request per second, bursts of one: the second call in a row is refused.
    const env = rateLimitEnv({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: "60", RATE_LIMIT_ANONYMOUS_BURST: "1" });
    const { client, seen, waits } = limitedClient(env);
    await client.market.price("RTRY-USDT");
    const price = await client.market.price("RTRY-USDT");
    expect(price).toMatchObject({ symbol: "RTRY-USDT", price: "65000.10" });
    expect(seen.map((s) => s.status)).toEqual([200, 429, 200]);
    const retryAfter = Number(seen[1]?.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(retryAfter * 1000);
  });

  it("never retries a POST without an Idempotency-Key: the 429 surfaces as a typed error", async () => {
    const env = rateLimitEnv({ RATE_LIMIT_AUTH_PER_SECOND: "1" });
    const { client, seen, waits } = limitedClient(env);
    const credentials = { email: "nobody@clients.parapet.test", password: "wrong password 123" };
    await expect(client.auth.login(credentials.email, credentials.password)).rejects.toMatchObject({
      code: "invalid_credentials",
    });
    const error = await client.auth.login(credentials.email, credentials.password).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "rate_limit_exceeded", status: 429 });
    expect((error as { retry_after: number }).retry_after).toBeGreaterThanOrEqual(1);
    expect(seen.map((s) => s.status)).toEqual([401, 429]);
    expect(waits).toEqual([]);
  });

  it("retries a write declared idempotent (market ingest replaces re-sent candles)", async () => {
    const env = rateLimitEnv({ RATE_LIMIT_JWT_PER_MINUTE: "60", RATE_LIMIT_JWT_BURST: "1" });
    const { client, seen, waits } = limitedClient(env, { token: await tokenFor("admin", "usr_sdk_retry_admin") });
    const candle = {
      symbol: "RTRY-USDT",
      interval: "1h" as const,
      timestamp: "2026-01-01T00:00:00.000Z",
      open: "1",
      high: "2",
      low: "0.5",
      close: "1.5",
      volume: "10",
    };
    await client.market.ingest({ exchange: "binance", candles: [candle] });
    const second = await client.market.ingest({ exchange: "binance", candles: [candle] });
    expect(second.accepted).toBe(1);
    expect(seen.map((s) => s.status)).toEqual([202, 429, 202]);
    expect(waits).toHaveLength(1);
  });

  it("gives up at once when Retry-After is beyond the longest wait it may take", async () => {
    await seedPrice("RTRY-USDT");
    const env = rateLimitEnv({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: "6", RATE_LIMIT_ANONYMOUS_BURST: "1" });
    const { fetch, seen } = recordingFetch(env, freshIp());
    const waits: number[] = [];
    const client = new ParapetClient({
      baseUrl: BASE,
      fetch,
      retry: { maxDelayMs: 2_000 },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await client.market.price("RTRY-USDT");
    const error = await client.market.price("RTRY-USDT").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "rate_limit_exceeded", status: 429, retry_after: 10 });
    expect(seen).toHaveLength(2);
    expect(waits).toEqual([]);
  });

  it("retries a read after a network failure, with backoff", async () => {
    await seedPrice("RTRY-USDT");
    const { fetch, seen } = recordingFetch();
    let failures = 1;
    const waits: number[] = [];
    const client = new ParapetClient({
      baseUrl: BASE,
      fetch: async (request) => {
        if (failures-- > 0) throw new TypeError("fetch failed: connection reset");
        return fetch(request);
      },
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.99,
    });
    expect((await client.market.price("RTRY-USDT")).symbol).toBe("RTRY-USDT");
    expect(seen).toHaveLength(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeLessThanOrEqual(DEFAULT_RETRY.baseDelayMs);
  });

  it("does not repeat a POST after a network failure: the server may have applied it", async () => {
    let sent = 0;
    const client = new ParapetClient({
      baseUrl: BASE,
      fetch: async () => {
        sent++;
        throw new TypeError("fetch failed: socket hang up");
      },
      sleep: async () => {},
    });
    const error = await client.auth
      .register({ email: "once@clients.parapet.test", password: "correct horse battery staple" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "network_error", status: 0 });
    expect(sent).toBe(1);
  });
});

describe("retry policy", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
  });

  it("waits at least Retry-After, jittered by at most one base step", () => {
    expect(retryDelay(1, 2000, DEFAULT_RETRY, () => 0)).toBe(2000);
    expect(retryDelay(1, 2000, DEFAULT_RETRY, () => 0.999)).toBeLessThan(2000 + DEFAULT_RETRY.baseDelayMs);
  });

  it("backs off exponentially with full jitter, capped", () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelay(1, null, policy, () => 0.999)).toBe(99);
    expect(retryDelay(3, null, policy, () => 0.999)).toBe(399);
    expect(retryDelay(10, null, policy, () => 0.999)).toBe(999);
    expect(retryDelay(3, null, policy, () => 0)).toBe(0);
  });

  it("retries 429 and 503, but not durable states or other errors", () => {
    expect(isRetryableAnswer(429, "rate_limit_exceeded")).toBe(true);
    expect(isRetryableAnswer(429, "temporarily_suspended")).toBe(true);
    expect(isRetryableAnswer(503, "internal_error")).toBe(true);
    expect(isRetryableAnswer(503, "trading_halted")).toBe(false);
    expect(isRetryableAnswer(503, "AI_001")).toBe(false);
    expect(isRetryableAnswer(500, "internal_error")).toBe(false);
    expect(isRetryableAnswer(401, "token_expired")).toBe(false);
  });

  it("stays inside its attempt, wait and time budgets", () => {
    expect(withinBudget(1, 1000, 0, DEFAULT_RETRY)).toBe(true);
    expect(withinBudget(DEFAULT_RETRY.maxAttempts, 0, 0, DEFAULT_RETRY)).toBe(false);
    expect(withinBudget(1, DEFAULT_RETRY.maxDelayMs + 1, 0, DEFAULT_RETRY)).toBe(false);
    expect(withinBudget(1, 1000, DEFAULT_RETRY.maxElapsedMs - 500, DEFAULT_RETRY)).toBe(false);
  });
});
