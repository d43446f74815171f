import { getConfig } from "../../config";
import { logger } from "../../lib/log";
import { waitFor } from "../../lib/wait";
import { MetricsAccumulator, type MetricsBatch, type MetricsData } from "./data";

/**
 * How metric increments travel: each isolate adds them to its own in-memory buffer (no I/O on
 * the request path); the first increment after a flush schedules the next flush
 * `FLUSH_DELAY_MS` later under that request's `waitUntil`, so one RPC carries everything the
 * isolate saw in the meantime to its aggregator shard. A failed delivery is retried with the
 * same batch id (the aggregator applies an id once), so nothing is lost or counted twice.
 */

/** Delay between an isolate's first buffered increment and its flush. */
export const FLUSH_DELAY_MS = 1000;
/** A scheduled flush older than this is assumed lost (its request context died) and replaced. */
const STALE_SCHEDULE_MS = 10 * FLUSH_DELAY_MS;
/** Wait before retrying a failed delivery within the same request's `waitUntil`. */
const RETRY_DELAY_MS = 2 * FLUSH_DELAY_MS;
/** Undelivered batches kept for retry; the oldest are dropped beyond this (logged). */
const MAX_RETRY_BATCHES = 60;

/** Anything that can keep work alive after the response: an ExecutionContext or a DurableObjectState. */
export interface Waiter {
  waitUntil(promise: Promise<unknown>): void;
}

let pending = new MetricsAccumulator();
let retryQueue: MetricsBatch[] = [];
/** When the flush that will carry the current buffer was scheduled (null: none is). */
let scheduledAt: number | null = null;
/** Sends under way in this isolate (counted, never awaited across requests: src/lib/wait.ts). */
let sending = 0;
/** How long a flush waits for other requests' sends of earlier batches. */
const SEND_WAIT_MS = 5_000;
let shard: number | null = null;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The aggregator shard this isolate reports to (picked once, at random, to spread the load). */
function isolateShard(env: Env): number {
  const shards = getConfig(env).METRICS_SHARDS;
  if (shard === null || shard >= shards) shard = Math.floor(Math.random() * shards);
  return shard;
}

/** The stub of aggregator shard `index`. */
export function aggregator(env: Env, index: number) {
  return env.METRICS.get(env.METRICS.idFromName(`metrics-shard-${index}`));
}

/**
 * Adds increments to this isolate's buffer and makes sure a flush will carry them. Without a
 * `waiter` (no request context) the increments wait for the next flush.
 */
export function buffer(env: Env, waiter: Waiter | undefined, update: (acc: MetricsAccumulator) => void): void {
  update(pending);
  const now = Date.now();
  if (!waiter || (scheduledAt !== null && now - scheduledAt < STALE_SCHEDULE_MS)) return;
  scheduledAt = now;
  waiter.waitUntil(
    (async () => {
      await sleep(FLUSH_DELAY_MS);
      await flushMetrics(env);
      // One more try while this request can still keep the isolate busy; later flushes retry too.
      if (retryQueue.length > 0) {
        await sleep(RETRY_DELAY_MS);
        await flushMetrics(env);
      }
    })(),
  );
}

async function deliver(env: Env, batch: MetricsBatch): Promise<boolean> {
  try {
    const result = await aggregator(env, isolateShard(env)).ingest(batch);
    if (result.skipped > 0) logger.warn("metrics_entries_skipped", { batch_id: batch.id, skipped: result.skipped });
    return true;
  } catch (err) {
    logger.warn("metrics_flush_failed", {
      batch_id: batch.id,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}

/**
 * Sends everything this isolate has buffered (and earlier undelivered batches) to its shard,
 * then waits (polling, never awaiting another request's send: src/lib/wait.ts) until no send of
 * this isolate is under way, so every increment buffered before the call has been delivered or
 * queued for retry. Batches carry ids, so concurrent sends never double-count. Never throws.
 */
export async function flushMetrics(env: Env): Promise<void> {
  sending++;
  try {
    await sendPending(env);
  } catch (err) {
    // e.g. an invalid configuration: the increments stay buffered.
    logger.error("metrics_flush_error", { error: err instanceof Error ? err.message : String(err) });
  } finally {
    sending--;
  }
  await waitFor(() => sending === 0, SEND_WAIT_MS);
}

async function sendPending(env: Env): Promise<void> {
  // The buffer is about to be emptied: the next increment needs a flush of its own.
  scheduledAt = null;
  if (!pending.isEmpty) {
    retryQueue.push({ id: crypto.randomUUID(), ...pending.toData() });
    pending = new MetricsAccumulator();
  }
  const batches = retryQueue;
  retryQueue = [];
  for (const [i, batch] of batches.entries()) {
    if (await deliver(env, batch)) continue;
    // The shard is unreachable: keep this and the rest for the next flush.
    retryQueue = [...batches.slice(i), ...retryQueue];
    break;
  }
  if (retryQueue.length > MAX_RETRY_BATCHES) {
    const dropped = retryQueue.splice(0, retryQueue.length - MAX_RETRY_BATCHES);
    logger.error("metrics_batches_dropped", { dropped: dropped.length });
  }
}

/** Flushes this isolate, then reads and adds up every shard's totals. Throws when a shard cannot be read. */
export async function collectMetrics(env: Env): Promise<MetricsData> {
  await flushMetrics(env);
  const shards = getConfig(env).METRICS_SHARDS;
  const snapshots = await Promise.all(Array.from({ length: shards }, (_, i) => aggregator(env, i).snapshot()));
  const total = new MetricsAccumulator();
  // RPC typing widens tuples to arrays; the values are exactly what snapshot() built.
  for (const snapshot of snapshots) total.merge(snapshot as unknown as MetricsData);
  return total.toData();
}
