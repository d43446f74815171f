import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectError, json, tokenFor } from "../helpers";
import { captureLogs, freshIp, limitedApp, rateHeaders, rateLimitEnv, sender } from "../rate-limit-helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("rate limiting: security", () => {
  it("counts /auth/* per IP at the anonymous rate with a 5/s cap, even with a token", async () => {
    const send = sender(limitedApp(), { ip: freshIp() });
    const auth = { Authorization: `Bearer ${await tokenFor("admin")}` };
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => send("/api/v1/auth/__test/login", { method: "POST", headers: auth })),
    );
    const elapsed = Date.now() - started;
    const passed = responses.filter((r) => r.status === 200).length;
    expect(passed).toBeGreaterThanOrEqual(5);
    expect(passed).toBeLessThanOrEqual(5 + Math.ceil((elapsed * 5) / 1000) + 1);
    expect(rateHeaders(responses[0] as Response).limit).toBe("60");
    const refused = responses.find((r) => r.status === 429) as Response;
    expect((await expectError(refused, 429, "rate_limit_exceeded")).details).toMatchObject({ category: "auth" });
  });

  it("charges bad credentials to the caller's IP, with headers, and throttles them once that IP is out", async () => {
    const send = sender(limitedApp(), {
      ip: freshIp(),
      env: rateLimitEnv({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: "1", RATE_LIMIT_ANONYMOUS_BURST: "3" }),
    });
    const bad = { Authorization: "Bearer not-a-real-token-0123456789" };
    const first = await send("/api/v1/market/__test/price", { headers: bad });
    await expectError(first, 401, "invalid_token");
    expect(rateHeaders(first)).toMatchObject({ limit: "1", remaining: "2" });
    await send("/api/v1/market/__test/price");
    await expectError(await send("/api/v1/market/__test/price", { headers: bad }), 401, "invalid_token");
    const throttled = await send("/api/v1/market/__test/price", { headers: bad });
    const error = await expectError(throttled, 429, "rate_limit_exceeded");
    expect(rateHeaders(throttled)).toMatchObject({ remaining: "0", retryAfter: expect.stringMatching(/^\d+$/) });
    expect(JSON.stringify(error)).not.toContain("not-a-real-token");
  });

  it("names anonymous callers by CF-Connecting-IP only, never by a client-sent X-Forwarded-For", async () => {
    const send = sender(limitedApp(), {
      ip: freshIp(),
      env: rateLimitEnv({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: "1", RATE_LIMIT_ANONYMOUS_BURST: "2" }),
    });
    const codes = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await send("/api/v1/market/__test/price", { headers: { "X-Forwarded-For": freshIp() } })).status);
    }
    expect(codes).toEqual([200, 200, 429, 429]);
  });

  it("counts the IPv6 addresses of one /64 as one caller", async () => {
    const send = sender(limitedApp(), {
      env: rateLimitEnv({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: "1", RATE_LIMIT_ANONYMOUS_BURST: "2" }),
    });
    const prefix = `2001:db8:${(crypto.getRandomValues(new Uint16Array(1))[0] ?? 0).toString(16)}:1`;
    const codes = [];
    for (const host of ["::1", "::2", ":abcd::3"]) {
      codes.push((await send("/api/v1/market/__test/price", { ip: `${prefix}${host}` })).status);
    }
    expect(codes).toEqual([200, 200, 429]);
  });

  it("pauses a subject that keeps hammering and records one audit and one security event", async () => {
    const ip = freshIp();
    const send = sender(limitedApp(), {
      ip,
      env: rateLimitEnv({
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: "1",
        RATE_LIMIT_ANONYMOUS_BURST: "1",
        RATE_LIMIT_SUSPEND_AFTER: "3",
      }),
    });
    const logs = captureLogs();
    const statuses: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await send("/api/v1/market/__test/price");
      statuses.push(res.status === 200 ? "ok" : (await json(res)).error.code);
      if (i === 4) {
        expect(rateHeaders(res)).toMatchObject({ retryAfter: "60", remaining: "0" });
      }
    }
    expect(statuses).toEqual([
      "ok",
      "rate_limit_exceeded",
      "rate_limit_exceeded",
      "rate_limit_exceeded",
      "temporarily_suspended",
      "temporarily_suspended",
      "temporarily_suspended",
    ]);
    const audit = logs.filter((l) => l.msg === "audit_event" && l.event === "ratelimit.suspended");
    const security = logs.filter((l) => l.msg === "security_event" && l.type === "rate_limit_suspension");
    expect(audit).toHaveLength(1);
    expect(security).toHaveLength(1);
    expect(security[0]).toMatchObject({
      ip,
      details: { subject: `ip:${ip}`, reason: "repeated_limit_violations", refusals: 4, pause_seconds: 60, strike: 1 },
    });
  });

  it("doubles the pause for a repeat offender", async () => {
    const send = sender(limitedApp(), {
      ip: freshIp(),
      env: rateLimitEnv({
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: "1",
        RATE_LIMIT_ANONYMOUS_BURST: "1",
        RATE_LIMIT_SUSPEND_AFTER: "1",
        RATE_LIMIT_SUSPEND_SECONDS: "1",
      }),
    });
    captureLogs();
    const hammer = async () => {
      for (;;) {
        const res = await send("/api/v1/market/__test/price");
        const body = res.status === 429 ? await json(res) : null;
        if (body?.error.code === "temporarily_suspended") return { retryAfter: res.headers.get("Retry-After"), body };
      }
    };
    const first = await hammer();
    expect(first.retryAfter).toBe("1");
    await new Promise((r) => setTimeout(r, 1100));
    const second = await hammer();
    expect(second.retryAfter).toBe("2");
    expect(second.body.error.details).toMatchObject({ strike: 2 });
  });
});

describe("rate limiting: fail policy", () => {
  const unreachable = {
    idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
    get: () => ({ check: () => Promise.reject(new Error("limiter down")) }),
  };
  const silent = {
    idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
    get: () => ({ check: () => new Promise(() => {}) }),
  };

  it("fails open for market data and closed for trading and auth when the limiter is unreachable", async () => {
    const logs = captureLogs();
    const send = sender(limitedApp(), { ip: freshIp(), env: rateLimitEnv({ RATE_LIMITER: unreachable }) });
    const market = await send("/api/v1/market/__test/price");
    expect(market.status).toBe(200);
    expect(rateHeaders(market)).toEqual({ limit: "60", remaining: null, reset: null, retryAfter: null });
    const trading = await send("/api/v1/portfolio/__test/positions", {
      method: "POST",
      headers: { Authorization: `Bearer ${await tokenFor("trader")}` },
    });
    const error = await expectError(trading, 429, "rate_limit_exceeded");
    expect(error.details).toMatchObject({ reason: "limiter_unavailable", category: "trading" });
    expect(trading.headers.get("Retry-After")).toBe("1");
    await expectError(await send("/api/v1/auth/__test/login", { method: "POST" }), 429, "rate_limit_exceeded");
    expect(logs.filter((l) => l.msg === "rate_limiter_unavailable").length).toBe(3);
  });

  it("treats a limiter that does not answer in time as unreachable", async () => {
    captureLogs();
    const send = sender(limitedApp(), {
      ip: freshIp(),
      env: rateLimitEnv({ RATE_LIMITER: silent, RATE_LIMIT_TIMEOUT_MS: "50" }),
    });
    expect((await send("/api/v1/market/__test/price")).status).toBe(200);
    const trading = await send("/api/v1/portfolio/__test/positions", {
      method: "POST",
      headers: { Authorization: `Bearer ${await tokenFor("trader")}` },
    });
    await expectError(trading, 429, "rate_limit_exceeded");
  });

  it("follows RATE_LIMIT_FAIL_CLOSED", async () => {
    captureLogs();
    const send = sender(limitedApp(), {
      ip: freshIp(),
      env: rateLimitEnv({ RATE_LIMITER: unreachable, RATE_LIMIT_FAIL_CLOSED: "market" }),
    });
    await expectError(await send("/api/v1/market/__test/price"), 429, "rate_limit_exceeded");
    expect((await send("/api/v1/auth/__test/login", { method: "POST" })).status).toBe(200);
  });
});
