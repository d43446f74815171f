/**
 * OWASP API8:2023 Security misconfiguration: the security headers are on every kind of response
 * (success, each error status, HTML, JavaScript, Prometheus text, preflights, refused upgrades);
 * CORS admits only configured origins, exactly; plain HTTP is refused on every operation of the
 * document whatever the client claims; secrets are sent with `Cache-Control: no-store`.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { uniqueEmail } from "../auth-helpers";
import { BASE, call, expectError, json } from "../helpers";
import { rateLimitEnv } from "../rate-limit-helpers";
import { type Caller, jwtCaller, send } from "./actors";
import { fillPath, openApiDocument, operations } from "./openapi";
import { changedTables, snapshot } from "./state";

const ALLOWED_ORIGIN = "https://app.parapet.test";
let admin: Caller & { kind: "jwt" };
let developer: Caller & { kind: "jwt" };

beforeAll(async () => {
  admin = await jwtCaller("admin");
  developer = await jwtCaller("developer");
});

/** Requests made through the app with another environment (to reach 429 and 500 for real). */
async function through(app: ReturnType<typeof createApp>, path: string, environment: Env, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await app.request(`${BASE}${path}`, init, environment, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** One response of every kind the Worker gives, labelled. */
async function everyKindOfResponse(): Promise<Array<[string, Response]>> {
  const password = "correct horse battery staple";
  const email = uniqueEmail("headers");
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const out: Array<[string, Response]> = [
    ["200 /health", await call("/health")],
    ["200 JSON list", await call("/api/v1/market/symbols")],
    ["201 register", await post("/api/v1/auth/register", { email, password })],
    ["204 logout", await post("/api/v1/auth/logout", { refresh_token: "rt_unknown" })],
    [
      "400 invalid JSON",
      await call("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
    ],
    ["401 no credentials", await call("/api/v1/me")],
    ["401 bad token", await call("/api/v1/me", { headers: { Authorization: "Bearer x.y.z" } })],
    ["403 forbidden", await send(developer, "GET", "/api/v1/admin/ip-blocks")],
    ["403 https_required", await exports.default.fetch(new Request("http://api.parapet.test/api/v1/me"))],
    ["404 unknown route", await call("/nope")],
    ["404 MARKET_001", await call("/api/v1/market/price/NOPE-USDT")],
    ["409 conflict", await post("/api/v1/auth/register", { email, password })],
    ["413 payload_too_large", await post("/api/v1/auth/login", { pad: "x".repeat(1024 * 1024) })],
    ["HTML /docs", await call("/docs")],
    ["JS /docs/init.js", await call("/docs/init.js")],
    ["OpenAPI", await call("/openapi.json")],
    ["JWKS", await call("/.well-known/jwks.json")],
    ["Prometheus /metrics", await call("/metrics")],
    ["refused WebSocket upgrade", await call("/ws/market", { headers: { Upgrade: "websocket" } })],
    [
      "CORS preflight",
      await call("/api/v1/me", {
        method: "OPTIONS",
        headers: { Origin: ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET" },
      }),
    ],
  ];
  // 429: the real app with API.md's limits and a burst of 1.
  const limited = rateLimitEnv({ RATE_LIMIT_ANONYMOUS_BURST: "1" });
  const app = createApp();
  const ip = { "CF-Connecting-IP": "198.18.99.1" };
  await through(app, "/api/v1/market/symbols", limited, { headers: ip });
  out.push(["429 rate_limit_exceeded", await through(app, "/api/v1/market/symbols", limited, { headers: ip })]);
  // 500: the real middleware chain around a handler that fails.
  const failing = createApp();
  failing.get("/api/v1/__boom", () => {
    throw new Error("secret internals: SELECT * FROM users");
  });
  out.push(["500 internal_error", await through(failing, "/api/v1/__boom", env)]);
  // 503: the emergency halt.
  expect((await send(admin, "PUT", "/api/v1/admin/trading-halt", { halted: true })).status).toBe(200);
  out.push(["503 trading_halted", await send(developer, "POST", "/api/v1/portfolio/positions", {})]);
  expect((await send(admin, "PUT", "/api/v1/admin/trading-halt", { halted: false })).status).toBe(200);
  return out;
}

describe("misconfiguration: security headers", () => {
  it("sends HSTS, nosniff, frame denial, no referrer, a same-origin CSP and a request id on every kind of response", async () => {
    const responses = await everyKindOfResponse();
    const statuses = new Set(responses.map(([, res]) => res.status));
    for (const status of [200, 201, 204, 400, 401, 403, 404, 409, 413, 429, 500, 503]) {
      expect(statuses.has(status), `a ${status} is among the probes`).toBe(true);
    }
    for (const [label, res] of responses) {
      const h = (name: string) => res.headers.get(name) ?? "";
      const hsts = /max-age=(\d+)/.exec(h("strict-transport-security"));
      expect(Number(hsts?.[1]), `${label}: HSTS max-age`).toBeGreaterThanOrEqual(31_536_000);
      expect(h("strict-transport-security"), label).toContain("includeSubDomains");
      expect(h("x-content-type-options"), label).toBe("nosniff");
      expect(h("x-frame-options"), label).toBe("DENY");
      expect(h("referrer-policy"), label).toBe("no-referrer");
      expect(h("content-security-policy"), label).toContain("default-src 'self'");
      expect(h("content-security-policy"), label).toContain("frame-ancestors 'none'");
      expect(h("cross-origin-resource-policy"), label).toBe("same-origin");
      expect(h("x-request-id"), label).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      expect(res.headers.has("x-powered-by"), label).toBe(false);
      if (res.status >= 400) {
        expect(h("content-type"), label).toContain("application/json");
        const body = await json(res);
        expect(body.error.request_id, label).toBe(h("x-request-id"));
        expect(JSON.stringify(body), label).not.toMatch(/secret internals|SELECT|\.ts:\d+|at [A-Za-z]+ \(/);
      }
    }
  }, 60_000);

  it("sends every credential-bearing answer with Cache-Control: no-store", async () => {
    const email = uniqueEmail("nostore");
    const password = "correct horse battery staple";
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      call(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    expect((await post("/api/v1/auth/register", { email, password, role: "trader" })).status).toBe(201);
    const login = await post("/api/v1/auth/login", { email, password });
    const tokens = await json(login.clone());
    const refresh = await post("/api/v1/auth/refresh", { refresh_token: tokens.refresh_token });
    const bearer = { Authorization: `Bearer ${tokens.access_token}` };
    const created = await post("/api/v1/keys", { name: "k", scopes: ["read:market"] }, bearer);
    const keyId = (await json(created.clone())).key_id;
    const rotated = await call(`/api/v1/keys/${keyId}/rotate`, { method: "POST", headers: bearer });
    for (const [label, res] of [
      ["login", login],
      ["refresh", refresh],
      ["key creation", created],
      ["key rotation", rotated],
    ] as const) {
      expect(res.status, label).toBeLessThan(300);
      expect(res.headers.get("cache-control"), label).toContain("no-store");
    }
  }, 60_000);
});

describe("misconfiguration: CORS", () => {
  it("echoes only the configured origin, with Vary: Origin and never with credentials", async () => {
    const res = await call("/api/v1/market/symbols", { headers: { Origin: ALLOWED_ORIGIN } });
    expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(res.headers.get("vary")?.toLowerCase()).toContain("origin");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    const preflight = await call("/api/v1/portfolio/positions", {
      method: "OPTIONS",
      headers: {
        Origin: ALLOWED_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  }, 60_000);

  it("gives no Access-Control-Allow-Origin to look-alike, downgraded, null or foreign origins, on requests and preflights", async () => {
    for (const origin of [
      "https://evil.example",
      "https://app.parapet.test.evil.example",
      "https://evilapp.parapet.test",
      "http://app.parapet.test",
      "https://app.parapet.test:8443",
      "null",
      "HTTPS://APP.PARAPET.TEST.evil",
    ]) {
      const simple = await call("/api/v1/market/symbols", { headers: { Origin: origin } });
      expect(simple.headers.get("access-control-allow-origin"), origin).toBeNull();
      const preflight = await call("/api/v1/me", {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "authorization",
        },
      });
      expect(preflight.headers.get("access-control-allow-origin"), origin).toBeNull();
      expect(preflight.headers.get("access-control-allow-credentials"), origin).toBeNull();
    }
  }, 60_000);
});

describe("misconfiguration: HTTPS only", () => {
  it("refuses plain HTTP on every documented operation with 403 https_required, whatever the forwarding headers claim, and changes nothing", async () => {
    const doc = await openApiDocument();
    const values = {
      key_id: "key_000000000000000000000000",
      position_id: "pos_000000000000000000000000",
      block_id: "blk_1",
      symbol: "BTC-USDT",
      token_address: "7Lf2U6kZK6TqJ4d4BWK3TYsy7ZrXksu5oEAXpgAHbMR9",
      monitoring_id: "mon_000000000000000000000000",
    };
    const before = await snapshot();
    let probes = 0;
    for (const op of operations(doc)) {
      const url = `http://api.parapet.test${fillPath(op, values)}`;
      const res = await exports.default.fetch(
        new Request(url, {
          method: op.method,
          headers: {
            ...admin.headers,
            "content-type": "application/json",
            "X-Forwarded-Proto": "https",
            "CF-Visitor": '{"scheme":"https"}',
          },
          ...(op.body
            ? {
                body: JSON.stringify({
                  halted: true,
                  ip: "192.0.2.1",
                  email: uniqueEmail(),
                  password: "correct horse battery staple",
                }),
              }
            : {}),
        }),
      );
      await expectError(res, 403, "https_required").catch((err) => {
        throw new Error(`${op.method} ${url}: ${err.message}`);
      });
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      probes++;
    }
    expect(probes).toBe(operations(doc).length);
    expect(changedTables(before, await snapshot())).toEqual([]);
  }, 60_000);

  it("serves plain HTTP only when ENFORCE_HTTPS is explicitly false (local development)", async () => {
    const app = createApp();
    const ctx = createExecutionContext();
    const res = await app.request("http://localhost/health", {}, { ...env, ENFORCE_HTTPS: "false" } as Env, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(env.ENFORCE_HTTPS).toBe("true");
  }, 60_000);
});
