import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS, ROOM_REPORT_TTL_MS } from "../../../src/services/metrics/catalogue";
import { MetricsAccumulator } from "../../../src/services/metrics/data";
import { msToSeconds, renderExposition } from "../../../src/services/metrics/render";
import { readSamples, value } from "../../metrics-helpers";

const NOW = Date.UTC(2026, 0, 5, 12, 30, 30);
const MINUTE = Math.floor(NOW / 60_000);

describe("renderExposition", () => {
  it("renders cumulative buckets, an exact sum in seconds and a count per histogram series", () => {
    const acc = new MetricsAccumulator();
    for (const ms of [3, 30, 3000, 20_000]) acc.observe("endpoint_latency_histogram", ["/a"], ms);
    const samples = readSamples(renderExposition(acc.toData(), NOW));
    const bucket = (le: string) => value(samples, "endpoint_latency_histogram_bucket", { route: "/a", le });
    expect(["0.005", "0.01", "0.025", "0.05", "2.5", "5", "10", "+Inf"].map(bucket)).toEqual([1, 1, 1, 2, 2, 3, 3, 4]);
    expect(value(samples, "endpoint_latency_histogram_sum", { route: "/a" })).toBe(23.033);
    expect(value(samples, "endpoint_latency_histogram_count", { route: "/a" })).toBe(4);
  });

  it("lists bucket bounds in increasing order and ends each series with +Inf, _sum and _count", () => {
    const acc = new MetricsAccumulator();
    acc.observe("http_request_duration_seconds", ["GET", "2xx"], 12);
    const lines = renderExposition(acc.toData(), NOW)
      .split("\n")
      .filter((l) => l.startsWith("http_request_duration_seconds"));
    const bounds = lines.filter((l) => l.includes("_bucket")).map((l) => /le="([^"]+)"/.exec(l)?.[1]);
    expect(bounds).toEqual([...LATENCY_BUCKETS_MS.map(msToSeconds), "+Inf"]);
    expect(lines.at(-2)).toMatch(/^http_request_duration_seconds_sum\{method="GET",status_class="2xx"\} 0.012$/);
    expect(lines.at(-1)).toMatch(/^http_request_duration_seconds_count\{method="GET",status_class="2xx"\} 1$/);
  });

  it("escapes backslashes, quotes and newlines in label values", () => {
    const acc = new MetricsAccumulator();
    acc.inc("http_requests_total", ["GET", 'a"b\\c\nd', "200"], 2);
    const text = renderExposition(acc.toData(), NOW);
    expect(text).toContain('http_requests_total{method="GET",route="a\\"b\\\\c\\nd",status="200"} 2\n');
  });

  it("computes api_error_rate from the last five minutes only, per class", () => {
    const acc = new MetricsAccumulator();
    for (let i = 0; i < 7; i++) acc.countStatus(MINUTE, 200);
    acc.countStatus(MINUTE - 4, 404);
    acc.countStatus(MINUTE - 4, 429);
    acc.countStatus(MINUTE - 2, 503);
    for (let i = 0; i < 50; i++) acc.countStatus(MINUTE - 5, 500); // just outside the window
    const samples = readSamples(renderExposition(acc.toData(), NOW));
    expect(value(samples, "api_error_rate", { class: "5xx" })).toBe(0.1);
    expect(value(samples, "api_error_rate", { class: "4xx" })).toBe(0.2);
  });

  it("reports an error rate of 0 when no request was answered in the window", () => {
    const text = renderExposition(new MetricsAccumulator().toData(), NOW);
    expect(text).toContain('api_error_rate{class="5xx"} 0\n');
    expect(text).toContain('api_error_rate{class="4xx"} 0\n');
  });

  it("sums websocket connections per channel over rooms that reported recently", () => {
    const acc = new MetricsAccumulator();
    acc.reportRoom("room-1", "market", 3, NOW - 1000);
    acc.reportRoom("room-2", "market", 4, NOW - ROOM_REPORT_TTL_MS + 1000);
    acc.reportRoom("room-3", "alerts", 2, NOW);
    acc.reportRoom("room-dead", "market", 100, NOW - ROOM_REPORT_TTL_MS - 1);
    const samples = readSamples(renderExposition(acc.toData(), NOW));
    expect(value(samples, "websocket_connections_active", { channel: "market" })).toBe(7);
    expect(value(samples, "websocket_connections_active", { channel: "alerts" })).toBe(2);
  });

  it("prints HELP and TYPE for metrics that have no samples yet", () => {
    const text = renderExposition(new MetricsAccumulator().toData(), NOW);
    expect(text).toContain("# TYPE anomaly_scans_total counter\n");
    expect(text).toMatch(/# HELP api_error_rate .*5 minutes.*5xx.*4xx/);
    expect(text.endsWith("\n")).toBe(true);
  });
});

describe("MetricsAccumulator", () => {
  it("adds counters, histograms and minutes when merging, and keeps the newest room report", () => {
    const a = new MetricsAccumulator();
    a.inc("http_requests_total", ["GET", "/x", "200"], 2);
    a.observe("endpoint_latency_histogram", ["/x"], 7);
    a.countStatus(MINUTE, 500);
    a.reportRoom("r", "market", 5, NOW);
    const b = new MetricsAccumulator();
    b.inc("http_requests_total", ["GET", "/x", "200"], 3);
    b.observe("endpoint_latency_histogram", ["/x"], 9);
    b.countStatus(MINUTE, 200);
    b.reportRoom("r", "market", 1, NOW - 10); // older: loses
    a.merge(b.toData());
    const data = a.toData();
    expect(data.counters).toEqual([["http_requests_total", ["GET", "/x", "200"], 5]]);
    expect(data.histograms[0]?.slice(3)).toEqual([2, 16]);
    expect(data.requests).toEqual([[MINUTE, 2, 0, 1]]);
    expect(data.rooms).toEqual([["r", "market", 5, NOW]]);
  });
});

describe("msToSeconds", () => {
  it("formats milliseconds as exact decimal seconds", () => {
    expect([0, 5, 10, 250, 1000, 2500, 10_000, 123_456].map(msToSeconds)).toEqual([
      "0",
      "0.005",
      "0.01",
      "0.25",
      "1",
      "2.5",
      "10",
      "123.456",
    ]);
  });
});
