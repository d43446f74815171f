import { deleteSpooled, readSpool, spoolDrafts } from "../../db/audit-log";
import { logger } from "../../lib/log";
import { waitFor } from "../../lib/wait";
import type { AuditDraft } from "./chain";

/**
 * How audit entries travel, off the request's critical path and without loss:
 * 1. a request's entries join this isolate's buffer (no I/O on the request path);
 * 2. the first entry after a flush schedules the next one `FLUSH_DELAY_MS` later under that
 *    request's `waitUntil`, so one RPC carries everything the isolate saw meanwhile (a full
 *    buffer flushes at once);
 * 3. the AuditSequencer numbers, chains and stores the batch durably before it answers; a
 *    failed RPC is retried with the same batch id (applied once);
 * 4. if the sequencer stays unreachable the batch goes to D1's `audit_spool`, which the cron
 *    hands to the sequencer later. Only losing both the sequencer and D1 at once loses entries,
 *    and then they are written to the error log in full (they never hold secrets).
 */

/** Delay between an isolate's first buffered entry and its flush. */
export const FLUSH_DELAY_MS = 100;
/** A buffer this large flushes at once. */
export const MAX_BUFFER = 1000;
/** A scheduled flush that has not started after this long is assumed lost (its request died). */
const STALE_SCHEDULE_MS = 5000;
const ATTEMPTS = 3;
const RPC_TIMEOUT_MS = 10_000;

/** Anything that keeps work alive after the response: an ExecutionContext or a DurableObjectState. */
export interface Waiter {
  waitUntil(promise: Promise<unknown>): void;
}

let buffer: AuditDraft[] = [];
let scheduledAt: number | null = null;
/** Deliveries under way in this isolate (counted, never awaited across requests: src/lib/wait.ts). */
let delivering = 0;
/** How long a flush waits for other requests' deliveries (their RPC timeouts, retries and the spool). */
const DELIVERY_WAIT_MS = 45_000;

/** The single sequencer instance. */
export function sequencer(env: Env) {
  return env.AUDIT.get(env.AUDIT.idFromName("chain"));
}

/**
 * Adds entries to this isolate's buffer and makes sure a flush will carry them. Without a
 * `waiter` (no request context) the flush runs as a floating promise.
 */
export function enqueueAudit(env: Env, waiter: Waiter | undefined, drafts: AuditDraft[]): void {
  if (drafts.length === 0) return;
  buffer.push(...drafts);
  const now = Date.now();
  if (buffer.length >= MAX_BUFFER) {
    keepAlive(waiter, flushAudit(env));
    return;
  }
  if (scheduledAt !== null && now - scheduledAt < STALE_SCHEDULE_MS) return;
  scheduledAt = now;
  keepAlive(
    waiter,
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS));
      await flushAudit(env);
    })(),
  );
}

function keepAlive(waiter: Waiter | undefined, work: Promise<void>): void {
  if (waiter) waiter.waitUntil(work);
  else work.catch(() => undefined);
}

/**
 * Sends everything buffered now and waits until no delivery of this isolate is under way, so
 * once it resolves every entry enqueued before the call is in D1 or durably queued. Other
 * requests' deliveries are polled, never awaited (src/lib/wait.ts). Never throws.
 */
export async function flushAudit(env: Env): Promise<void> {
  scheduledAt = null;
  const drafts = buffer;
  buffer = [];
  if (drafts.length > 0) {
    delivering++;
    try {
      await deliver(env, crypto.randomUUID(), drafts);
    } finally {
      delivering--;
    }
  }
  await waitFor(() => delivering === 0, DELIVERY_WAIT_MS);
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Hands one batch to the sequencer; spools it to D1 when the sequencer stays unreachable. */
export async function deliver(env: Env, batchId: string, drafts: AuditDraft[]): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 4 ** (attempt - 1)));
    try {
      await withTimeout(sequencer(env).append(batchId, drafts), RPC_TIMEOUT_MS);
      return;
    } catch (err) {
      lastError = err;
    }
  }
  const error = lastError instanceof Error ? lastError.message : String(lastError);
  try {
    await spoolDrafts(env.DB, batchId, drafts, Date.now());
    logger.warn("audit_batch_spooled", { batch_id: batchId, entries: drafts.length, error });
  } catch (spoolErr) {
    // Last resort: the log keeps what the table could not (entries never hold secrets).
    logger.error("audit_entries_lost", {
      batch_id: batchId,
      error,
      spool_error: spoolErr instanceof Error ? spoolErr.message : String(spoolErr),
      entries: drafts,
    });
  }
}

/** Hands spooled batches to the sequencer (cron); returns how many entries were replayed. */
export async function replaySpool(env: Env, maxBatches = 50): Promise<number> {
  let replayed = 0;
  for (const batch of await readSpool(env.DB, maxBatches)) {
    await sequencer(env).append(batch.id, batch.drafts);
    await deleteSpooled(env.DB, batch.id);
    replayed += batch.drafts.length;
  }
  return replayed;
}
