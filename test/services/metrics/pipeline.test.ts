import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IngestResult } from "../../../durable-objects/metrics-aggregator";
import {
  collectMetrics,
  countAnomalyScan,
  countRateLimitRefusal,
  flushMetrics,
  recordRequest,
  reportWebSocketConnections,
} from "../../../src/services/metrics";
import type { MetricsBatch } from "../../../src/services/metrics/data";
import { FLUSH_DELAY_MS } from "../../../src/services/metrics/pipeline";
import { renderExposition } from "../../../src/services/metrics/render";
import { growth, readSamples, scrape } from "../../metrics-helpers";

type Ingest = (deliver: () => Promise<IngestResult>, batch: MetricsBatch) => Promise<IngestResult>;

/** The real METRICS namespace with `ingest` routed through `intercept` (a flaky network, a counter). */
function envWithIngest(intercept: Ingest): Env {
  const namespace = {
    idFromName: (name: string) => env.METRICS.idFromName(name),
    get: (id: DurableObjectId) => {
      const real = env.METRICS.get(id);
      return {
        ingest: (batch: MetricsBatch) => intercept(() => real.ingest(batch), batch),
        snapshot: () => real.snapshot(),
      };
    },
  };
  return { ...env, METRICS: namespace } as unknown as Env;
}

function fakeWaiter() {
  const promises: Promise<unknown>[] = [];
  return { promises, waitUntil: (p: Promise<unknown>) => void promises.push(p) };
}

beforeEach(async () => {
  vi.spyOn(console, "warn").mockImplementation(() => {});
  await flushMetrics(env); // start each test with an empty isolate buffer
  return () => vi.restoreAllMocks();
});

describe("metrics pipeline", () => {
  it("carries many requests to the aggregator in one RPC scheduled with waitUntil", async () => {
    let rpcs = 0;
    const counting = envWithIngest((deliver) => {
      rpcs++;
      return deliver();
    });
    const waiter = fakeWaiter();
    const labels = { method: "DELETE", route: "/pipeline/{id}", status: "204" };
    const read = async () => readSamples(renderExposition(await collectMetrics(env), Date.now()));
    const before = await read();
    // Let flushes scheduled by earlier requests fire first, so the one below is the only one.
    await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS + 100));
    await flushMetrics(env);
    const sample = { method: "DELETE", route: "/pipeline/{id}", status: 204, latencyMs: 3, at: Date.now() };
    for (let i = 0; i < 20; i++) recordRequest(counting, waiter, sample);

    expect(waiter.promises).toHaveLength(1);
    expect(rpcs).toBe(0); // nothing on the request path
    await Promise.all(waiter.promises);
    expect(rpcs).toBe(1);
    expect(growth(before, await read(), "http_requests_total", labels)).toBe(20);
  });

  it("retries a failed delivery within the same waitUntil, without waiting for another request", async () => {
    let calls = 0;
    const flaky = envWithIngest((deliver) => {
      calls++;
      return calls === 1 ? Promise.reject(new Error("Durable Object is overloaded.")) : deliver();
    });
    const read = async () => readSamples(renderExposition(await collectMetrics(env), Date.now()));
    const before = await read();
    await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS + 100)); // earlier schedules fire first
    await flushMetrics(env);
    const waiter = fakeWaiter();
    for (let i = 0; i < 4; i++)
      countRateLimitRefusal(flaky, waiter, { reason: "rate_limit_exceeded", tier: "enterprise" });
    expect(waiter.promises).toHaveLength(1);
    await Promise.all(waiter.promises);
    expect(calls).toBe(2);
    const labels = { reason: "rate_limit_exceeded", tier: "enterprise" };
    expect(growth(before, await read(), "rate_limit_refusals_total", labels)).toBe(4);
  });

  it("keeps increments while the aggregator is unreachable and delivers them once it answers", async () => {
    const broken = envWithIngest(() => Promise.reject(new Error("Network connection lost.")));
    const labels = { outcome: "failed" };
    const before = await scrape();
    for (let i = 0; i < 3; i++) countAnomalyScan(broken, undefined, { outcome: "failed" });
    await flushMetrics(broken);
    await flushMetrics(broken);
    expect(growth(before, await scrape(), "anomaly_scans_total", labels)).toBe(3);
  });

  it("counts a batch once when the aggregator applied it but its answer was lost", async () => {
    const lossy = envWithIngest(async (deliver) => {
      await deliver();
      throw new Error("Network connection lost.");
    });
    const before = await scrape();
    countAnomalyScan(lossy, undefined, { outcome: "ok", anomalyTypes: ["whale_movement", "wash_trading"] });
    countAnomalyScan(lossy, undefined, { outcome: "ok", anomalyTypes: ["whale_movement"] });
    await flushMetrics(lossy);
    const after = await scrape();
    expect(growth(before, after, "anomaly_scans_total", { outcome: "ok" })).toBe(2);
    expect(growth(before, after, "anomalies_detected_total", { anomaly_type: "whale_movement" })).toBe(2);
    expect(growth(before, after, "anomalies_detected_total", { anomaly_type: "wash_trading" })).toBe(1);
  });

  it("counts anomaly types it does not know as other, keeping labels bounded", async () => {
    const before = await scrape();
    countAnomalyScan(env, undefined, { outcome: "ok", anomalyTypes: ["rug_pull_<script>", "x".repeat(500)] });
    const after = await scrape();
    expect(growth(before, after, "anomalies_detected_total", { anomaly_type: "other" })).toBe(2);
  });

  it("counts rate-limit refusals reported outside an HTTP response", async () => {
    const labels = { reason: "temporarily_suspended", tier: "premium" };
    const before = await scrape();
    countRateLimitRefusal(env, undefined, { reason: "temporarily_suspended", tier: "premium" });
    expect(growth(before, await scrape(), "rate_limit_refusals_total", labels)).toBe(1);
  });
});

describe("reportWebSocketConnections", () => {
  it("reports the sum of each room's latest count per channel", async () => {
    const [a, b, c] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const before = await scrape();
    reportWebSocketConnections(env, undefined, { room: a, channel: "market", active: 3 });
    reportWebSocketConnections(env, undefined, { room: b, channel: "market", active: 4 });
    reportWebSocketConnections(env, undefined, { room: c, channel: "alerts", active: 2 });
    const during = await scrape();
    expect(growth(before, during, "websocket_connections_active", { channel: "market" })).toBe(7);
    expect(growth(before, during, "websocket_connections_active", { channel: "alerts" })).toBe(2);

    await new Promise((r) => setTimeout(r, 5)); // a later report of the same room replaces the earlier one
    reportWebSocketConnections(env, undefined, { room: a, channel: "market", active: 0 });
    reportWebSocketConnections(env, undefined, { room: c, channel: "alerts", active: 0 });
    const after = await scrape();
    expect(growth(before, after, "websocket_connections_active", { channel: "market" })).toBe(4);
    expect(growth(before, after, "websocket_connections_active", { channel: "alerts" })).toBe(0);
  });

  it("refuses a report with an unknown channel or an impossible count", () => {
    const bad = [
      { room: "r", channel: "orders", active: 1 },
      { room: "r", channel: "market", active: -1 },
      { room: "r", channel: "market", active: 1.5 },
    ];
    for (const report of bad) {
      // @ts-expect-error: deliberately wrong input
      expect(() => reportWebSocketConnections(env, undefined, report)).toThrow(TypeError);
    }
  });
});
