import { getMetricsFromIterator, type PromHistogramData, type PromMetrics } from "prom2javascript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer } from "../../scripts/lib/local-server.mjs";
import { promtoolAvailable, promtoolCheck } from "../../scripts/lib/promtool.mjs";
import { TEST_BINDINGS } from "../../vitest.config";

const TOKEN = "node-test-metrics-token-0123456789";
let server: { url: string; stop: () => Promise<void> };

beforeAll(async () => {
  server = await startLocalServer({ vars: { ...TEST_BINDINGS, ENFORCE_HTTPS: "false", METRICS_TOKEN: TOKEN } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function scrapeText(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

/** Parses a scrape with a Prometheus text-format parser library (it also rejects inconsistent histograms). */
async function scrape(): Promise<PromMetrics> {
  return getMetricsFromIterator((await scrapeText()).split("\n")[Symbol.iterator]());
}

function counter(metrics: PromMetrics, name: string, labels: Record<string, string>): number {
  const data = (metrics[name]?.data ?? []) as Array<{ labels: Record<string, string>; value: number }>;
  const match = data.find(
    (d) => JSON.stringify(Object.entries(d.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
  );
  return match?.value ?? 0;
}

/** Scrapes until `done` holds or 5 s pass (API.md: metrics are readable within 5 s of the request). */
async function scrapeUntil(done: (m: PromMetrics) => boolean): Promise<PromMetrics> {
  const deadline = Date.now() + 5000;
  let metrics = await scrape();
  while (!done(metrics) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    metrics = await scrape();
  }
  return metrics;
}

describe("/metrics on the running Worker (wrangler dev)", () => {
  it("parses with a Prometheus text-format parser: required metrics, types, consistent histograms", async () => {
    await fetch(`${server.url}/health`);
    const metrics = await scrapeUntil((m) => (m.endpoint_latency_histogram?.data.length ?? 0) > 0);
    expect(metrics.http_requests_total?.type).toBe("counter");
    expect(metrics.http_request_duration_seconds?.type).toBe("histogram");
    expect(metrics.endpoint_latency_histogram?.type).toBe("histogram");
    expect(metrics.websocket_connections_active?.type).toBe("gauge");
    expect(metrics.api_error_rate?.type).toBe("gauge");
    const health = ((metrics.endpoint_latency_histogram?.data ?? []) as PromHistogramData[]).find(
      (h) => h.labels.route === "/health",
    );
    expect(health?.count).toBeGreaterThanOrEqual(1);
    const cumulative = Object.entries(health?.buckets ?? {})
      .sort(([a], [b]) => (a === "+Inf" ? 1 : b === "+Inf" ? -1 : Number(a) - Number(b)))
      .map(([, n]) => n);
    expect(cumulative).toEqual([...cumulative].sort((a, b) => a - b));
  });

  it("counts exactly the requests made, readable within 5 s", async () => {
    const health = { method: "GET", route: "/health", status: "200" };
    const unknown = { method: "GET", route: "unmatched", status: "404" };
    const before = await scrape();
    for (let i = 0; i < 10; i++) await fetch(`${server.url}/health`);
    for (let i = 0; i < 4; i++) await fetch(`${server.url}/nothing/here/${i}`);
    const after = await scrapeUntil(
      (m) => counter(m, "http_requests_total", health) - counter(before, "http_requests_total", health) >= 10,
    );
    expect(counter(after, "http_requests_total", health) - counter(before, "http_requests_total", health)).toBe(10);
    expect(counter(after, "http_requests_total", unknown) - counter(before, "http_requests_total", unknown)).toBe(4);
  });

  it("keeps label cardinality bounded under 1,000 distinct raw paths", async () => {
    const before = await scrape();
    const paths = Array.from({ length: 1000 }, (_, i) => `/scan/${i}/${Math.random().toString(36).slice(2)}`);
    for (let i = 0; i < paths.length; i += 20) {
      await Promise.all(paths.slice(i, i + 20).map((p) => fetch(`${server.url}${p}`).then((r) => r.arrayBuffer())));
    }
    const unknown = { method: "GET", route: "unmatched", status: "404" };
    const after = await scrapeUntil(
      (m) => counter(m, "http_requests_total", unknown) - counter(before, "http_requests_total", unknown) >= 1000,
    );
    expect(counter(after, "http_requests_total", unknown) - counter(before, "http_requests_total", unknown)).toBe(1000);
    const routes = (m: PromMetrics) =>
      new Set(
        ((m.http_requests_total?.data ?? []) as Array<{ labels: Record<string, string> }>).map((d) => d.labels.route),
      );
    expect([...routes(after)].filter((r) => r?.startsWith("/scan"))).toEqual([]);
    expect(routes(after).size - routes(before).size).toBeLessThanOrEqual(1);
    expect(after.endpoint_latency_histogram?.data.length).toBeLessThan(20);
  });

  it("needs the METRICS_TOKEN when it is set", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: "Bearer nope" },
      { Authorization: `Basic ${TOKEN}` },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${server.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe("unauthorized");
    }
  });

  it.skipIf(!promtoolAvailable())("passes promtool check metrics, but for the metric name API.md fixes", async () => {
    const result = promtoolCheck(await scrapeText());
    expect(result.unexpected).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
