import { LATENCY_BUCKETS_MS } from "./catalogue";

/**
 * Metric values as plain arrays, so they cross Durable Object RPC unchanged. The same shape
 * carries an isolate's increments to the aggregator (a batch) and the aggregator's totals back
 * to `/metrics` (a snapshot).
 */
export interface MetricsData {
  /** `[metric, label values, value]`. */
  counters: Array<[string, string[], number]>;
  /** `[metric, label values, per-bucket counts (last = +Inf), count, sum in ms]`; buckets are not cumulative. */
  histograms: Array<[string, string[], number[], number, number]>;
  /** `[minute (epoch ms / 60000), requests, 4xx, 5xx]`, feeding `api_error_rate`. */
  requests: Array<[number, number, number, number]>;
  /** `[room id, channel, open connections, reported at (epoch ms)]`, feeding `websocket_connections_active`. */
  rooms: Array<[string, string, number, number]>;
}

/** A batch of increments from one isolate; `id` makes a retried delivery count once. */
export interface MetricsBatch extends MetricsData {
  id: string;
}

const key = (name: string, labels: readonly string[]) => JSON.stringify([name, ...labels]);

/** Index of the bucket a latency falls in (the last index is +Inf). */
export function bucketIndex(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

/**
 * An accumulator of metric values keyed by series. Pure: no I/O, no clock. Used for an
 * isolate's pending increments and to merge snapshots of several aggregator shards.
 */
export class MetricsAccumulator {
  private readonly counters = new Map<string, [string, string[], number]>();
  private readonly histograms = new Map<string, [string, string[], number[], number, number]>();
  private readonly requests = new Map<number, [number, number, number, number]>();
  private readonly rooms = new Map<string, [string, string, number, number]>();

  /** Adds `by` to a counter series. */
  inc(name: string, labels: string[], by = 1): void {
    const k = key(name, labels);
    const entry = this.counters.get(k);
    if (entry) entry[2] += by;
    else this.counters.set(k, [name, [...labels], by]);
  }

  /** Records one latency observation (milliseconds) in a histogram series. */
  observe(name: string, labels: string[], ms: number): void {
    const k = key(name, labels);
    let entry = this.histograms.get(k);
    if (!entry) {
      entry = [name, [...labels], new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), 0, 0];
      this.histograms.set(k, entry);
    }
    const i = bucketIndex(ms);
    entry[2][i] = (entry[2][i] ?? 0) + 1;
    entry[3] += 1;
    entry[4] += Math.max(0, Math.round(ms));
  }

  /** Counts one answered request in its minute, for the error-rate window. */
  countStatus(minute: number, status: number): void {
    this.addRequests(minute, 1, status >= 400 && status < 500 ? 1 : 0, status >= 500 ? 1 : 0);
  }

  /** Sets a room's connection count; the newest report of a room wins. */
  reportRoom(room: string, channel: string, active: number, at: number): void {
    const current = this.rooms.get(room);
    if (!current || current[3] <= at) this.rooms.set(room, [room, channel, active, at]);
  }

  /** Adds every value of `data` (counters, histograms, minutes add up; rooms keep the newest report). */
  merge(data: MetricsData): void {
    for (const [name, labels, value] of data.counters) this.inc(name, labels, value);
    for (const [name, labels, buckets, count, sum] of data.histograms) {
      this.addHistogram(name, labels, buckets, count, sum);
    }
    for (const [minute, total, client, server] of data.requests) this.addRequests(minute, total, client, server);
    for (const [room, channel, active, at] of data.rooms) this.reportRoom(room, channel, active, at);
  }

  /** Number of distinct series held (bounds the buffer). */
  get size(): number {
    return this.counters.size + this.histograms.size + this.requests.size + this.rooms.size;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** The accumulated values as plain data (copies). */
  toData(): MetricsData {
    return {
      counters: [...this.counters.values()].map(([n, l, v]) => [n, [...l], v]),
      histograms: [...this.histograms.values()].map(([n, l, b, c, s]) => [n, [...l], [...b], c, s]),
      requests: [...this.requests.values()].map((r) => [...r]),
      rooms: [...this.rooms.values()].map((r) => [...r]),
    };
  }

  private addHistogram(name: string, labels: string[], buckets: number[], count: number, sum: number): void {
    const k = key(name, labels);
    const entry = this.histograms.get(k);
    if (!entry) {
      this.histograms.set(k, [name, [...labels], [...buckets], count, sum]);
      return;
    }
    for (let i = 0; i < entry[2].length; i++) entry[2][i] = (entry[2][i] ?? 0) + (buckets[i] ?? 0);
    entry[3] += count;
    entry[4] += sum;
  }

  private addRequests(minute: number, total: number, client: number, server: number): void {
    const entry = this.requests.get(minute);
    if (entry) {
      entry[1] += total;
      entry[2] += client;
      entry[3] += server;
    } else {
      this.requests.set(minute, [minute, total, client, server]);
    }
  }
}
