import { env } from "cloudflare:workers";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp, respondError, toApiError } from "../../src/app";
import { getConfig } from "../../src/config";
import { allowAnonymousOr, requireScope } from "../../src/middleware/auth";
import { rateLimit } from "../../src/middleware/rate-limit";
import type { AppEnv, Principal } from "../../src/types";
import { BASE, call, expectError, json, tokenFor } from "../helpers";
import { freshIp, rateLimitEnv } from "../rate-limit-env";

const Ok = z.object({ ok: z.boolean() });
const okResponse = { 200: { description: "ok", content: { "application/json": { schema: Ok } } } };

/** The real app plus test-only routes in each category (the real ones arrive with their issues). */
function limitedApp() {
  const app = createApp();
  const add = (method: "get" | "post", path: string, middleware: MiddlewareHandler<AppEnv>[] = []) =>
    app.openapi(createRoute({ method, path, middleware, responses: okResponse }), (c) => c.json({ ok: true }, 200));
  add("get", "/api/v1/market/__test/price", [allowAnonymousOr("read:market")]);
  add("get", "/api/v1/token/__test/analysis", [allowAnonymousOr("read:tokens")]);
  add("post", "/api/v1/portfolio/__test/positions", [requireScope("write:trading")]);
  add("post", "/api/v1/auth/__test/login");
  app.get("/api/v1/market/__test/boom", () => {
    throw new Error("boom");
  });
  return app;
}

type Send = { ip?: string; headers?: Record<string, string>; method?: string; env?: Env };

function sender(app: OpenAPIHono<AppEnv>, defaults: Send = {}) {
  const shared = defaults.env ?? rateLimitEnv();
  return (path: string, opts: Send = {}) => {
    const ip = opts.ip ?? defaults.ip;
    const headers = { ...(ip ? { "CF-Connecting-IP": ip } : {}), ...defaults.headers, ...opts.headers };
    return app.request(`${BASE}${path}`, { method: opts.method ?? "GET", headers }, opts.env ?? shared);
  };
}

function rateHeaders(res: Response) {
  return {
    limit: res.headers.get("X-RateLimit-Limit"),
    remaining: res.headers.get("X-RateLimit-Remaining"),
    reset: res.headers.get("X-RateLimit-Reset"),
    retryAfter: res.headers.get("Retry-After"),
  };
}

/** Structured log lines written while `fn` runs, parsed. */
function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  for (const method of ["log", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line));
    });
  }
  return lines;
}

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
    const responses = await Promise.all(Array.from({ length: 30 }, () => send("/api/v1/token/__test/analysis")));
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

/**
 * The rate-limit middleware alone behind a stand-in for API-key authentication (the API-keys
 * capability is built separately): `x-test-key` names the key, `x-test-tier` its tier and
 * `x-test-limit` an admin-set "rate/burst".
 */
function keyApp() {
  const app = new OpenAPIHono<AppEnv>();
  app.use("*", async (c, next) => {
    c.set("requestId", "req_test");
    c.set("clientIp", c.req.header("cf-connecting-ip") ?? "unknown");
    c.set("config", getConfig(c.env));
    const keyId = c.req.header("x-test-key");
    if (keyId) {
      const [rate, burst] = (c.req.header("x-test-limit") ?? "").split("/").map(Number);
      const principal: Principal = {
        kind: "api_key",
        user_id: "usr_keys",
        key_id: keyId,
        role: "trader",
        scopes: ["read:market"],
        tier: (c.req.header("x-test-tier") as Principal["tier"]) ?? "basic",
        ...(rate && burst ? { rate_limit: { rate_per_minute: rate, burst } } : {}),
      };
      c.set("principal", principal);
    }
    await next();
  });
  app.use("/api/v1/*", rateLimit());
  app.get("/api/v1/market/__test/price", (c) => c.json({ ok: true }));
  app.onError((err, c) => respondError(c, toApiError(err, c)));
  return app;
}
