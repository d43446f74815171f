import { env } from "cloudflare:workers";
import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { ApiError } from "../../src/errors";
import { BASE, call, expectError, json } from "../helpers";
import { growth, readSamples, scrape, seriesOf, value } from "../metrics-helpers";

/** The real app plus routes only tests have: one with a path parameter, one rate-limited, one that fails. */
function appWithTestRoutes(bindings: object = env) {
  const app = createApp();
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/__test/price/{symbol}",
      request: { params: z.object({ symbol: z.string() }) },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ symbol: c.req.valid("param").symbol }, 200),
  );
  app.get("/api/v1/__test/limited", () => {
    throw new ApiError("rate_limit_exceeded", undefined, { headers: { "Retry-After": "1" } });
  });
  app.get("/api/v1/__test/boom", () => {
    throw new Error("upstream failed", { cause: new Error("socket hang up") });
  });
  return (path: string, init: RequestInit = {}) => app.request(`${BASE}${path}`, init, bindings);
}

const PRICE_ROUTE = "/api/v1/__test/price/{symbol}";

describe("GET /metrics", () => {
  it("serves the text exposition format 0.0.4 with HELP and TYPE for every required metric", async () => {
    await call("/health");
    const res = await call("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    const types = Object.fromEntries([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(types).toEqual({
      http_requests_total: "counter",
      rate_limit_refusals_total: "counter",
      anomaly_scans_total: "counter",
      anomalies_detected_total: "counter",
      http_request_duration_seconds: "histogram",
      endpoint_latency_histogram: "histogram",
      websocket_connections_active: "gauge",
      api_error_rate: "gauge",
    });
    for (const name of Object.keys(types)) expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, "m"));
    const samples = readSamples(text);
    const health = { route: "/health" };
    expect(value(samples, "endpoint_latency_histogram_count", health)).toBeGreaterThanOrEqual(1);
    expect(value(samples, "endpoint_latency_histogram_bucket", { ...health, le: "+Inf" })).toBe(
      value(samples, "endpoint_latency_histogram_count", health),
    );
  });

  it("moves http_requests_total and both histograms by exactly the number of requests made", async () => {
    const request = appWithTestRoutes();
    const before = await scrape();
    for (let i = 0; i < 7; i++) expect((await request(`/api/v1/__test/price/SYM-${i}`)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await request("/api/v1/__test/price/X", { method: "POST" })).status).toBe(404);
    const after = await scrape();

    expect(growth(before, after, "http_requests_total", { method: "GET", route: PRICE_ROUTE, status: "200" })).toBe(7);
    expect(growth(before, after, "http_requests_total", { method: "POST", route: "unmatched", status: "404" })).toBe(3);
    expect(growth(before, after, "endpoint_latency_histogram_count", { route: PRICE_ROUTE })).toBe(7);
    expect(growth(before, after, "endpoint_latency_histogram_bucket", { route: PRICE_ROUTE, le: "+Inf" })).toBe(7);
    const post4xx = { method: "POST", status_class: "4xx" };
    expect(growth(before, after, "http_request_duration_seconds_count", post4xx)).toBe(3);
  });

  it("counts requests served through the Worker's own fetch handler", async () => {
    const labels = { method: "GET", route: "/health", status: "200" };
    const before = await scrape();
    for (let i = 0; i < 5; i++) await call("/health");
    expect(growth(before, await scrape(), "http_requests_total", labels)).toBe(5);
  });

  it("keeps label cardinality bounded under 1,000 distinct raw paths", async () => {
    const request = appWithTestRoutes();
    const before = await scrape();
    const quiet = vi.spyOn(console, "log").mockImplementation(() => {}); // 1,000 request log lines
    for (let i = 0; i < 500; i++) await request(`/api/v1/__test/price/COIN-${i}-${crypto.randomUUID()}`);
    for (let i = 0; i < 500; i++) await request(`/probe/${crypto.randomUUID()}/wp-admin.php?x=${i}`);
    quiet.mockRestore();
    const after = await scrape();

    const series = seriesOf(after, "http_requests_total");
    for (const key of series) expect(key).not.toMatch(/COIN-|probe|wp-admin/);
    expect(series.length - seriesOf(before, "http_requests_total").length).toBeLessThanOrEqual(2);
    expect(series.length).toBeLessThan(50);
    expect(seriesOf(after, "endpoint_latency_histogram_count").length).toBeLessThan(50);
    expect(growth(before, after, "http_requests_total", { method: "GET", route: PRICE_ROUTE, status: "200" })).toBe(
      500,
    );
    expect(growth(before, after, "http_requests_total", { method: "GET", route: "unmatched", status: "404" })).toBe(
      500,
    );
  });

  it("labels unknown methods as OTHER instead of echoing them", async () => {
    const request = appWithTestRoutes();
    const labels = { method: "OTHER", route: "unmatched", status: "404" };
    const before = await scrape();
    await request("/anything", { method: "PROPFIND" });
    await request("/anything", { method: "MKCOL" });
    const after = await scrape();
    expect(growth(before, after, "http_requests_total", labels)).toBe(2);
    expect(seriesOf(after, "http_requests_total").join()).not.toMatch(/PROPFIND|MKCOL/);
  });

  it("counts rate-limit refusals from the error the rate limiter throws, by reason and tier", async () => {
    const request = appWithTestRoutes();
    const labels = { reason: "rate_limit_exceeded", tier: "anonymous" };
    const before = await scrape();
    for (let i = 0; i < 4; i++) await expectError(await request("/api/v1/__test/limited"), 429, "rate_limit_exceeded");
    expect(growth(before, await scrape(), "rate_limit_refusals_total", labels)).toBe(4);
  });

  it("reflects server errors in api_error_rate and counts them under their route", async () => {
    const request = appWithTestRoutes();
    const labels = { method: "GET", route: "/api/v1/__test/boom", status: "500" };
    const before = await scrape();
    await expectError(await request("/api/v1/__test/boom"), 500, "internal_error");
    const after = await scrape();
    expect(growth(before, after, "http_requests_total", labels)).toBe(1);
    const rate = value(after, "api_error_rate", { class: "5xx" });
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThanOrEqual(1);
  });
});

describe("METRICS_TOKEN", () => {
  const TOKEN = "metrics-test-token-0123456789abcdef";
  const guarded = () => appWithTestRoutes({ ...env, METRICS_TOKEN: TOKEN });

  it("serves the metrics with the right bearer token", async () => {
    const res = await guarded()("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("# TYPE http_requests_total counter");
  });

  it("refuses a scrape without credentials with 401 unauthorized in the error envelope", async () => {
    const res = await guarded()("/metrics");
    const error = await expectError(res, 401, "unauthorized");
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    expect(error.request_id).toBe(res.headers.get("x-request-id"));
  });

  it("refuses a wrong, truncated, extended or differently sent token", async () => {
    const attempts: Record<string, string>[] = [
      { Authorization: "Bearer wrong-token" },
      { Authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { Authorization: `Bearer ${TOKEN}x` },
      { Authorization: `Bearer ${TOKEN.slice(0, -1)}X` },
      { Authorization: TOKEN },
      { Authorization: `Basic ${btoa(`prometheus:${TOKEN}`)}` },
      { "X-API-Key": TOKEN },
      { Authorization: "Bearer " },
    ];
    for (const headers of attempts) {
      const res = await guarded()("/metrics", { headers });
      const error = await expectError(res, 401, "unauthorized");
      expect(JSON.stringify(error), JSON.stringify(headers)).not.toContain(TOKEN.slice(0, 12));
    }
  });

  it("leaves /metrics open when METRICS_TOKEN is not set, as API.md says", async () => {
    const res = await appWithTestRoutes()("/metrics");
    expect(res.status).toBe(200);
  });

  it("does not guard the API with the metrics token", async () => {
    const res = await guarded()("/health");
    expect(res.status).toBe(200);
    expect((await json(res)).status).toBe("ok");
  });
});

describe("OpenAPI", () => {
  it("documents /metrics with its bearer scheme and a 401", async () => {
    const doc = await json(await call("/openapi.json"));
    const op = doc.paths["/metrics"].get;
    expect(op.operationId).toBe("getMetrics");
    expect(op.security).toEqual([{ metricsToken: [] }]);
    expect(op.responses["401"].$ref).toBe("#/components/responses/Unauthorized");
    expect(op.responses["200"].content["text/plain"].schema.example).toContain("http_requests_total");
    expect(doc.components.securitySchemes.metricsToken).toMatchObject({ type: "http", scheme: "bearer" });
  });
});
