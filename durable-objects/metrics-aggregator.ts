import { DurableObject } from "cloudflare:workers";
import {
  LATENCY_BUCKETS_MS,
  labelCount,
  MAX_SERIES_PER_METRIC,
  OVERFLOW_LABEL,
  ROOM_REPORT_TTL_MS,
  WS_CHANNELS,
} from "../src/services/metrics/catalogue";
import type { MetricsBatch, MetricsData } from "../src/services/metrics/data";

/** Request minutes and delivered batch ids are kept this long (the error-rate window is 5 min). */
const KEEP_MS = 60 * 60 * 1000;
const MAX_ENTRIES_PER_BATCH = 20_000;
const MAX_LABEL_LENGTH = 256;

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

function validLabels(name: unknown, labels: unknown): labels is string[] {
  return (
    typeof name === "string" &&
    Array.isArray(labels) &&
    labels.length === labelCount(name) &&
    labels.every((l) => typeof l === "string" && l.length <= MAX_LABEL_LENGTH)
  );
}

/** What `ingest` did with a batch. */
export interface IngestResult {
  /** The batch id was seen before: nothing was applied again. */
  duplicate: boolean;
  applied: number;
  /** Malformed entries, dropped (a bug in the sender, never retried). */
  skipped: number;
}

/**
 * One shard of the service's metrics. Isolates send it batches of increments off the request
 * path; `/metrics` reads every shard's totals and adds them up. Totals live in SQLite so they
 * survive eviction and restarts (counters only go down when the object's storage is lost).
 */
export class MetricsAggregator extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(`
        CREATE TABLE IF NOT EXISTS counters (
          metric TEXT NOT NULL, labels TEXT NOT NULL, value INTEGER NOT NULL,
          PRIMARY KEY (metric, labels)) STRICT;
        CREATE TABLE IF NOT EXISTS histograms (
          metric TEXT NOT NULL, labels TEXT NOT NULL, buckets TEXT NOT NULL,
          count INTEGER NOT NULL, sum_ms INTEGER NOT NULL,
          PRIMARY KEY (metric, labels)) STRICT;
        CREATE TABLE IF NOT EXISTS request_minutes (
          minute INTEGER PRIMARY KEY, total INTEGER NOT NULL,
          client_errors INTEGER NOT NULL, server_errors INTEGER NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS rooms (
          room TEXT PRIMARY KEY, channel TEXT NOT NULL, active INTEGER NOT NULL,
          reported_at INTEGER NOT NULL) STRICT;
        CREATE INDEX IF NOT EXISTS rooms_by_reported_at ON rooms (reported_at);
        CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, received_at INTEGER NOT NULL) STRICT;
        CREATE INDEX IF NOT EXISTS batches_by_received_at ON batches (received_at);
      `);
    });
  }

  /** Liveness probe. */
  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Adds a batch of increments, atomically and at most once per batch id. */
  async ingest(batch: MetricsBatch): Promise<IngestResult> {
    const now = Date.now();
    if (typeof batch?.id !== "string" || batch.id.length === 0 || batch.id.length > 64) {
      throw new TypeError("metrics batch without a valid id");
    }
    return this.ctx.storage.transactionSync(() => {
      this.prune(now);
      if (this.sql.exec("SELECT 1 FROM batches WHERE id = ?", batch.id).toArray().length > 0) {
        return { duplicate: true, applied: 0, skipped: 0 };
      }
      this.sql.exec("INSERT INTO batches (id, received_at) VALUES (?, ?)", batch.id, now);
      let applied = 0;
      let skipped = 0;
      const take = <T>(entries: T[] | undefined, apply: (entry: T) => boolean) => {
        const list = Array.isArray(entries) ? entries : [];
        skipped += Math.max(0, list.length - MAX_ENTRIES_PER_BATCH);
        for (const entry of list.slice(0, MAX_ENTRIES_PER_BATCH)) {
          if (apply(entry)) applied++;
          else skipped++;
        }
      };
      take(batch.counters, (entry) => this.addCounter(entry));
      take(batch.histograms, (entry) => this.addHistogram(entry));
      take(batch.requests, (entry) => this.addMinute(entry, now));
      take(batch.rooms, (entry) => this.setRoom(entry, now));
      return { duplicate: false, applied, skipped };
    });
  }

  /** Every total this shard holds (rooms and minutes still in their windows). */
  async snapshot(): Promise<MetricsData> {
    const now = Date.now();
    const counters = this.sql
      .exec<{ metric: string; labels: string; value: number }>("SELECT metric, labels, value FROM counters")
      .toArray()
      .map((r): [string, string[], number] => [r.metric, JSON.parse(r.labels), r.value]);
    const histograms = this.sql
      .exec<{ metric: string; labels: string; buckets: string; count: number; sum_ms: number }>(
        "SELECT metric, labels, buckets, count, sum_ms FROM histograms",
      )
      .toArray()
      .map((r): [string, string[], number[], number, number] => [
        r.metric,
        JSON.parse(r.labels),
        JSON.parse(r.buckets),
        r.count,
        r.sum_ms,
      ]);
    const requests = this.sql
      .exec<{ minute: number; total: number; client_errors: number; server_errors: number }>(
        "SELECT minute, total, client_errors, server_errors FROM request_minutes WHERE minute >= ?",
        Math.floor((now - KEEP_MS) / 60_000),
      )
      .toArray()
      .map((r): [number, number, number, number] => [r.minute, r.total, r.client_errors, r.server_errors]);
    const rooms = this.sql
      .exec<{ room: string; channel: string; active: number; reported_at: number }>(
        "SELECT room, channel, active, reported_at FROM rooms WHERE reported_at >= ?",
        now - ROOM_REPORT_TTL_MS,
      )
      .toArray()
      .map((r): [string, string, number, number] => [r.room, r.channel, r.active, r.reported_at]);
    return { counters, histograms, requests, rooms };
  }

  private prune(now: number): void {
    this.sql.exec("DELETE FROM batches WHERE received_at < ?", now - KEEP_MS);
    this.sql.exec("DELETE FROM request_minutes WHERE minute < ?", Math.floor((now - KEEP_MS) / 60_000));
    this.sql.exec("DELETE FROM rooms WHERE reported_at < ?", now - ROOM_REPORT_TTL_MS);
  }

  /** The stored label set for a new series, folded into the overflow series once a metric is full. */
  private seriesLabels(table: "counters" | "histograms", metric: string, labels: string[]): string {
    const json = JSON.stringify(labels);
    const exists = this.sql.exec(`SELECT 1 FROM ${table} WHERE metric = ? AND labels = ?`, metric, json).toArray();
    if (exists.length > 0) return json;
    const row = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE metric = ?`, metric).one();
    return row.n < MAX_SERIES_PER_METRIC ? json : JSON.stringify(labels.map(() => OVERFLOW_LABEL));
  }

  private addCounter(entry: [string, string[], number]): boolean {
    const [metric, labels, delta] = entry ?? [];
    if (!validLabels(metric, labels) || !isCount(delta)) return false;
    this.sql.exec(
      `INSERT INTO counters (metric, labels, value) VALUES (?, ?, ?)
       ON CONFLICT (metric, labels) DO UPDATE SET value = value + excluded.value`,
      metric,
      this.seriesLabels("counters", metric, labels),
      delta,
    );
    return true;
  }

  private addHistogram(entry: [string, string[], number[], number, number]): boolean {
    const [metric, labels, buckets, count, sumMs] = entry ?? [];
    const shapeOk =
      Array.isArray(buckets) && buckets.length === LATENCY_BUCKETS_MS.length + 1 && buckets.every(isCount);
    if (!validLabels(metric, labels) || !shapeOk || !isCount(count) || !isCount(sumMs)) return false;
    const stored = this.seriesLabels("histograms", metric, labels);
    const current = this.sql
      .exec<{ buckets: string; count: number; sum_ms: number }>(
        "SELECT buckets, count, sum_ms FROM histograms WHERE metric = ? AND labels = ?",
        metric,
        stored,
      )
      .toArray()[0];
    const previous: number[] = current ? JSON.parse(current.buckets) : [];
    const merged = buckets.map((n, i) => n + (previous[i] ?? 0));
    this.sql.exec(
      `INSERT INTO histograms (metric, labels, buckets, count, sum_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (metric, labels) DO UPDATE SET buckets = excluded.buckets, count = excluded.count, sum_ms = excluded.sum_ms`,
      metric,
      stored,
      JSON.stringify(merged),
      count + (current?.count ?? 0),
      sumMs + (current?.sum_ms ?? 0),
    );
    return true;
  }

  private addMinute(entry: [number, number, number, number], now: number): boolean {
    const [minute, total, client, server] = entry ?? [];
    if (![minute, total, client, server].every(isCount)) return false;
    if ((minute as number) < Math.floor((now - KEEP_MS) / 60_000)) return true; // too old to matter
    this.sql.exec(
      `INSERT INTO request_minutes (minute, total, client_errors, server_errors) VALUES (?, ?, ?, ?)
       ON CONFLICT (minute) DO UPDATE SET total = total + excluded.total,
         client_errors = client_errors + excluded.client_errors, server_errors = server_errors + excluded.server_errors`,
      minute,
      total,
      client,
      server,
    );
    return true;
  }

  private setRoom(entry: [string, string, number, number], now: number): boolean {
    const [room, channel, active, at] = entry ?? [];
    const ok =
      typeof room === "string" &&
      room.length > 0 &&
      room.length <= MAX_LABEL_LENGTH &&
      (WS_CHANNELS as readonly unknown[]).includes(channel) &&
      isCount(active) &&
      isCount(at);
    if (!ok) return false;
    if ((at as number) < now - ROOM_REPORT_TTL_MS) return true; // already stale
    // A delayed, older report of a room never overwrites a newer one.
    this.sql.exec(
      `INSERT INTO rooms (room, channel, active, reported_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (room) DO UPDATE SET channel = excluded.channel, active = excluded.active,
         reported_at = excluded.reported_at WHERE excluded.reported_at >= rooms.reported_at`,
      room,
      channel,
      active,
      at,
    );
    return true;
  }
}
