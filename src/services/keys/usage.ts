/**
 * Per-key usage counts (requests and refusals by endpoint and UTC day) and `last_used_at`,
 * without a D1 write per request.
 *
 * Each request adds to this isolate's buffer and hands `scheduleKeyUsageFlush()` to its
 * `waitUntil`: the first request after a quiet spell starts a timer, and one D1 batch of upserts
 * FLUSH_INTERVAL_MS (1 s) later writes everything buffered by then; every request in that second
 * waits (in its `waitUntil`, off its response path) for that same write. So D1 sees at most one
 * write per isolate per second however busy the key is, and every request's `waitUntil`
 * outlives a write that holds its counts: since the runtime keeps an isolate alive until its
 * `waitUntil`s settle, nothing is lost when an isolate is evicted. At most one batch is in
 * flight per isolate. A failed batch is put back into the buffer and retried by the next flush;
 * only an isolate dying while D1 keeps failing loses those counts. Reads flush at once.
 */
import { addUsage, readUsage, type UsageDelta } from "../../db/api-key-usage";
import { logger } from "../../lib/log";
import { waitFor } from "../../lib/wait";

/** Upserts per D1 batch, so one flush never becomes an oversized transaction. */
export const MAX_STATEMENTS_PER_BATCH = 100;
/** How long buffered counts wait for more before they are written. */
export const FLUSH_INTERVAL_MS = 1_000;

interface Counts {
  requests: number;
  rejected: number;
}

let buffer = new Map<string, Counts>();
let lastUsed = new Map<string, number>();
/** Writes under way in this isolate (counted, never awaited across requests: src/lib/wait.ts). */
let writing = 0;
/** When the pending scheduled flush was set up (null: none is). */
let scheduledAt: number | null = null;
/** A scheduled flush that has not run after this long is assumed lost with its request. */
const STALE_SCHEDULE_MS = 10_000;
/** How long a usage read waits for another request's write of earlier counts. */
const WRITE_WAIT_MS = 5_000;

const SEP = "\u0000";

/** The UTC day (`YYYY-MM-DD`) of an epoch-ms time. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Counts one response of a key: `rejected` when its status is 400 or above (429 included). */
export function recordKeyUse(use: { keyId: string; endpoint: string; status: number; at: number }): void {
  const id = `${use.keyId}${SEP}${utcDay(use.at)}${SEP}${use.endpoint}`;
  const counts = buffer.get(id) ?? { requests: 0, rejected: 0 };
  counts.requests++;
  if (use.status >= 400) counts.rejected++;
  buffer.set(id, counts);
  // Refused requests are attempts, not uses: only answered ones move `last_used_at`.
  if (use.status < 400) lastUsed.set(use.keyId, Math.max(lastUsed.get(use.keyId) ?? 0, use.at));
}

function take(): { deltas: UsageDelta[]; used: Map<string, number> } {
  const deltas: UsageDelta[] = [];
  for (const [id, counts] of buffer) {
    const [key_id = "", day = "", endpoint = ""] = id.split(SEP);
    deltas.push({ key_id, day, endpoint, ...counts });
  }
  const used = lastUsed;
  buffer = new Map();
  lastUsed = new Map();
  return { deltas, used };
}

function putBack(deltas: readonly UsageDelta[], used: ReadonlyMap<string, number>): void {
  for (const d of deltas) {
    const id = `${d.key_id}${SEP}${d.day}${SEP}${d.endpoint}`;
    const counts = buffer.get(id) ?? { requests: 0, rejected: 0 };
    counts.requests += d.requests;
    counts.rejected += d.rejected;
    buffer.set(id, counts);
  }
  for (const [keyId, at] of used) lastUsed.set(keyId, Math.max(lastUsed.get(keyId) ?? 0, at));
}

async function write(db: D1Database): Promise<void> {
  writing++;
  try {
    await writeTaken(db);
  } finally {
    writing--;
  }
}

async function writeTaken(db: D1Database): Promise<void> {
  const { deltas, used } = take();
  const usedEntries = [...used];
  for (let i = 0; i < Math.max(deltas.length, usedEntries.length); i += MAX_STATEMENTS_PER_BATCH) {
    const chunk = deltas.slice(i, i + MAX_STATEMENTS_PER_BATCH);
    const chunkUsed = new Map(usedEntries.slice(i, i + MAX_STATEMENTS_PER_BATCH));
    try {
      await addUsage(db, chunk, chunkUsed);
    } catch (err) {
      // Keep the counts for the next flush; the ones already written stay written.
      putBack(deltas.slice(i), new Map(usedEntries.slice(i)));
      logger.error("key_usage_flush_failed", { error: err instanceof Error ? err.message : String(err) });
      return;
    }
  }
}

/**
 * Writes everything buffered in this isolate, after any write of earlier counts another request
 * has under way (polled, never awaited: src/lib/wait.ts). Resolves once every count recorded
 * before the call is written (or, should D1 fail, back in the buffer). Never rejects.
 */
export async function flushKeyUsage(db: D1Database): Promise<void> {
  if (buffer.size > 0 || lastUsed.size > 0) await write(db);
  await waitFor(() => writing === 0, WRITE_WAIT_MS);
}

/** Whether a scheduled flush is pending in this isolate (for tests and diagnostics). */
export function keyUsageFlushScheduled(now = Date.now()): boolean {
  return scheduledAt !== null && now - scheduledAt < STALE_SCHEDULE_MS;
}

/**
 * Makes sure a flush will write the counts recorded so far: when none is scheduled, this call
 * becomes it and resolves after writing, FLUSH_INTERVAL_MS from now; otherwise it resolves at
 * once (the scheduled one carries these counts). Meant for `waitUntil`.
 */
export function scheduleKeyUsageFlush(db: D1Database): Promise<void> {
  const now = Date.now();
  if (scheduledAt !== null && now - scheduledAt < STALE_SCHEDULE_MS) return Promise.resolve();
  scheduledAt = now;
  return new Promise<void>((resolve) => setTimeout(resolve, FLUSH_INTERVAL_MS)).then(() => {
    // Counts recorded from here on belong to the next scheduled flush.
    scheduledAt = null;
    if (buffer.size > 0 || lastUsed.size > 0) return write(db);
  });
}

/** Usage of one key between two times (whole UTC days), after flushing this isolate's buffer. */
export async function keyUsage(
  db: D1Database,
  keyId: string,
  range: { start: number; end: number },
): Promise<{
  requests: number;
  rejected: number;
  by_endpoint: Array<{ endpoint: string; requests: number; rejected: number }>;
  by_day: Array<{ date: string; requests: number; rejected: number }>;
}> {
  await flushKeyUsage(db);
  const { byEndpoint, byDay } = await readUsage(db, keyId, utcDay(range.start), utcDay(range.end));
  let requests = 0;
  let rejected = 0;
  for (const row of byDay) {
    requests += row.requests;
    rejected += row.rejected;
  }
  return {
    requests,
    rejected,
    by_endpoint: byEndpoint,
    by_day: byDay.map((row) => ({ date: row.day, requests: row.requests, rejected: row.rejected })),
  };
}

/** Counts still waiting in this isolate's buffer (for tests). */
export function pendingKeyUsage(): number {
  return buffer.size + lastUsed.size;
}
