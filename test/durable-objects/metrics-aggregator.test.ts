import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  LATENCY_BUCKETS_MS,
  MAX_SERIES_PER_METRIC,
  OVERFLOW_LABEL,
  ROOM_REPORT_TTL_MS,
} from "../../src/services/metrics/catalogue";
import type { MetricsBatch } from "../../src/services/metrics/data";

/** A fresh aggregator object, so tests do not see each other's totals. */
const freshShard = () => env.METRICS.get(env.METRICS.idFromName(`test-${crypto.randomUUID()}`));

function batch(parts: Partial<MetricsBatch> = {}): MetricsBatch {
  return { id: crypto.randomUUID(), counters: [], histograms: [], requests: [], rooms: [], ...parts };
}

const buckets = (index: number) => LATENCY_BUCKETS_MS.map((_, i) => (i === index ? 1 : 0)).concat([0]);

describe("MetricsAggregator", () => {
  it("adds batches up and applies a redelivered batch id only once", async () => {
    const shard = freshShard();
    const first = batch({
      counters: [["http_requests_total", ["GET", "/health", "200"], 3]],
      histograms: [["endpoint_latency_histogram", ["/health"], buckets(0), 1, 4]],
      requests: [[Math.floor(Date.now() / 60_000), 3, 1, 0]],
    });
    expect(await shard.ingest(first)).toEqual({ duplicate: false, applied: 3, skipped: 0 });
    expect(await shard.ingest(first)).toEqual({ duplicate: true, applied: 0, skipped: 0 });
    await shard.ingest(
      batch({
        counters: [["http_requests_total", ["GET", "/health", "200"], 2]],
        histograms: [["endpoint_latency_histogram", ["/health"], buckets(3), 1, 40]],
      }),
    );
    const snapshot = await shard.snapshot();
    expect(snapshot.counters).toEqual([["http_requests_total", ["GET", "/health", "200"], 5]]);
    expect(snapshot.histograms).toEqual([
      ["endpoint_latency_histogram", ["/health"], buckets(0).map((n, i) => n + (buckets(3)[i] ?? 0)), 2, 44],
    ]);
    expect(snapshot.requests).toEqual([[Math.floor(Date.now() / 60_000), 3, 1, 0]]);
  });

  it("skips malformed entries and applies the valid ones", async () => {
    const shard = freshShard();
    const result = await shard.ingest(
      batch({
        counters: [
          ["http_requests_total", ["GET", "/ok", "200"], 1],
          ["no_such_metric", [], 1],
          ["http_requests_total", ["GET", "/too-few-labels"], 1],
          ["http_requests_total", ["GET", "/negative", "200"], -5],
          ["http_requests_total", ["GET", "/fraction", "200"], 0.5],
          ["http_requests_total", ["GET", "x".repeat(300), "200"], 1],
        ],
        histograms: [["endpoint_latency_histogram", ["/short"], [1, 2], 3, 4]],
        rooms: [["room", "carrier-pigeon", 3, Date.now()]],
      }),
    );
    expect(result).toEqual({ duplicate: false, applied: 1, skipped: 7 });
    expect((await shard.snapshot()).counters).toEqual([["http_requests_total", ["GET", "/ok", "200"], 1]]);
  });

  it("refuses a batch without an id", async () => {
    const error = await freshShard()
      .ingest({ ...batch(), id: "" })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(String(error)).toMatch(/without a valid id/);
  });

  it("folds label sets beyond the per-metric cap into one overflow series without losing counts", async () => {
    const shard = freshShard();
    const extra = 5;
    const counters: MetricsBatch["counters"] = Array.from({ length: MAX_SERIES_PER_METRIC + extra }, (_, i) => [
      "http_requests_total",
      ["GET", `/r/${i}`, "200"],
      2,
    ]);
    await shard.ingest(batch({ counters }));
    const series = (await shard.snapshot()).counters as unknown as MetricsBatch["counters"];
    expect(series).toHaveLength(MAX_SERIES_PER_METRIC + 1);
    const overflow = series.find(([, labels]) => labels.every((l) => l === OVERFLOW_LABEL));
    expect(overflow?.[2]).toBe(2 * extra);
    expect(series.reduce((sum, [, , v]) => sum + v, 0)).toBe(2 * (MAX_SERIES_PER_METRIC + extra));
  });

  it("keeps the newest report of a room and ignores a delayed older one", async () => {
    const shard = freshShard();
    const now = Date.now();
    await shard.ingest(batch({ rooms: [["room-a", "market", 7, now]] }));
    await shard.ingest(batch({ rooms: [["room-a", "market", 2, now - 5000]] }));
    expect((await shard.snapshot()).rooms).toEqual([["room-a", "market", 7, now]]);
    await shard.ingest(batch({ rooms: [["room-a", "market", 0, now + 1]] }));
    expect((await shard.snapshot()).rooms).toEqual([["room-a", "market", 0, now + 1]]);
  });

  it("drops room reports older than the report TTL", async () => {
    const shard = freshShard();
    await shard.ingest(batch({ rooms: [["room-old", "alerts", 9, Date.now() - ROOM_REPORT_TTL_MS - 1000]] }));
    expect((await shard.snapshot()).rooms).toEqual([]);
  });

  it("keeps its totals across a restart of the object", async () => {
    const name = `test-${crypto.randomUUID()}`;
    const stub = () => env.METRICS.get(env.METRICS.idFromName(name));
    await stub().ingest(batch({ counters: [["anomaly_scans_total", ["ok"], 11]] }));
    await abortAllDurableObjects();
    expect((await stub().snapshot()).counters).toEqual([["anomaly_scans_total", ["ok"], 11]]);
  });
});
