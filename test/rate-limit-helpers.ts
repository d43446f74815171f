import { env } from "cloudflare:workers";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { vi } from "vitest";
import { createApp, respondError, toApiError } from "../src/app";
import { getConfig } from "../src/config";
import { allowAnonymousOr, requireScope } from "../src/middleware/auth";
import { rateLimit } from "../src/middleware/rate-limit";
import type { AppEnv, Principal } from "../src/types";
import { BASE } from "./helpers";

/**
 * The test environment with every `RATE_LIMIT_*` binding removed (the test bindings raise the
 * limits for other capabilities' tests), plus `overrides`: API.md's defaults unless overridden.
 * A fresh object each call, so the configuration is parsed anew for it.
 */
export function rateLimitEnv(overrides: Record<string, unknown> = {}): Env {
  const base = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("RATE_LIMIT_")));
  return { ...base, ...overrides } as Env;
}

/** A random private IPv4 address, so each test counts against fresh buckets. */
export function freshIp(): string {
  const n = crypto.getRandomValues(new Uint8Array(3));
  return `10.${n[0]}.${n[1]}.${n[2]}`;
}

const Ok = z.object({ ok: z.boolean() });
const okResponse = { 200: { description: "ok", content: { "application/json": { schema: Ok } } } };

/** The real app plus test-only routes in each category (the real ones arrive with their issues). */
export function limitedApp() {
  const app = createApp();
  const add = (method: "get" | "post", path: string, middleware: MiddlewareHandler<AppEnv>[] = []) =>
    app.openapi(createRoute({ method, path, middleware, responses: okResponse }), (c) => c.json({ ok: true }, 200));
  add("get", "/api/v1/market/__test/price", [allowAnonymousOr("read:market")]);
  add("get", "/api/v1/token/__test/probe", [allowAnonymousOr("read:tokens")]);
  add("post", "/api/v1/portfolio/__test/positions", [requireScope("write:trading")]);
  add("post", "/api/v1/auth/__test/login");
  app.get("/api/v1/market/__test/boom", () => {
    throw new Error("boom");
  });
  return app;
}

/** Per-request options of `sender`: caller IP, headers, method, environment. */
export type Send = { ip?: string; headers?: Record<string, string>; method?: string; env?: Env };

/** A request function for `app` with defaults (one shared environment, so config is parsed once). */
export function sender(app: OpenAPIHono<AppEnv>, defaults: Send = {}) {
  const shared = defaults.env ?? rateLimitEnv();
  return (path: string, opts: Send = {}) => {
    const ip = opts.ip ?? defaults.ip;
    const headers = { ...(ip ? { "CF-Connecting-IP": ip } : {}), ...defaults.headers, ...opts.headers };
    return app.request(`${BASE}${path}`, { method: opts.method ?? "GET", headers }, opts.env ?? shared);
  };
}

/** The rate-limit headers of a response, null where absent. */
export function rateHeaders(res: Response) {
  return {
    limit: res.headers.get("X-RateLimit-Limit"),
    remaining: res.headers.get("X-RateLimit-Remaining"),
    reset: res.headers.get("X-RateLimit-Reset"),
    retryAfter: res.headers.get("Retry-After"),
  };
}

/** Structured log lines written while `fn` runs, parsed. */
export function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  for (const method of ["log", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line));
    });
  }
  return lines;
}

/**
 * The rate-limit middleware alone behind a stand-in for API-key authentication (the API-keys
 * capability is built separately): `x-test-key` names the key, `x-test-tier` its tier and
 * `x-test-limit` an admin-set "rate/burst".
 */
export function keyApp() {
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
