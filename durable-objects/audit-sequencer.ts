import { DurableObject } from "cloudflare:workers";
import { chainTail, insertAuditRows } from "../src/db/audit-log";
import { logger } from "../src/lib/log";
import { type AuditDraft, type AuditRow, GENESIS_HASH, seal } from "../src/services/audit/chain";
import { type BatchRange, type Position, SequencerStore } from "./audit-sequencer-store";

/** Rows per D1 batch when delivering. */
export const DELIVERY_BATCH = 500;
/** Largest batch one `append` takes (the Worker flushes far smaller ones). */
export const MAX_APPEND = 5000;
/** How long an appended batch id is remembered, so a retried batch is applied once. */
export const BATCH_ID_TTL_MS = 15 * 60 * 1000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 60_000;

/** The chain head, and how far the chain has reached D1. */
export interface SequencerHead {
  seq: number;
  hash: string;
  delivered_seq: number;
  delivered_hash: string;
  /** Sealed rows not yet in D1. */
  pending: number;
}

interface Waiter {
  seq: number;
  resolve: (delivered: boolean) => void;
}

/**
 * The audit log's single writer (one instance, named `chain`). It numbers entries, hash-chains
 * them and writes them to D1; being the only writer, the chain cannot fork.
 *
 * Normally sealed rows wait in memory and `append` answers once they are in D1: a D1 batch is
 * the durable write, and appends that arrive while one is in flight ride the next (group
 * commit), with one small SQLite transaction per delivery for the positions and batch ids.
 * When D1 refuses a delivery, everything sealed and not yet delivered moves to this object's
 * SQLite outbox, `append` answers `delivered: false` once its rows are stored there, and an
 * alarm retries with backoff; until the outbox is empty new batches go there too, so D1 always
 * receives the chain in order. Either way an answered `append` is never lost; an unanswered one
 * is retried by the Worker with the same batch id, applied once.
 */
export class AuditSequencer extends DurableObject<Env> {
  private readonly store: SequencerStore;
  private head: Position = { seq: 0, hash: GENESIS_HASH };
  private delivered: Position = { seq: 0, hash: GENESIS_HASH };
  /** Sealed rows not yet in D1, in chain order (memory mode only). */
  private queue: AuditRow[] = [];
  /** Batches whose rows are in `queue`. */
  private queued = new Map<string, BatchRange>();
  /** True while the outbox holds rows: new batches are stored there too. */
  private spooled = false;
  private sealing: Promise<unknown> = Promise.resolve();
  private draining: Promise<void> | null = null;
  private waiters: Waiter[] = [];
  private retryMs = RETRY_MIN_MS;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SequencerStore(ctx.storage);
    ctx.blockConcurrencyWhile(async () => {
      this.store.ensureSchema();
      const stored = this.store.loadHead();
      if (stored) ({ head: this.head, delivered: this.delivered } = stored);
      this.spooled = this.store.outboxSize() > 0;
      try {
        // D1 is ahead of the stored position when the object stopped between a D1 write and
        // storing its position, or on a first start over an existing log: continue from there.
        const tail = await chainTail(env.DB);
        if (tail && tail.seq > this.delivered.seq) {
          this.delivered = tail;
          if (tail.seq > this.head.seq) this.head = tail;
        }
      } catch (err) {
        logger.error("audit_sequencer_start_without_d1", { error: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  /**
   * Numbers, chains and accepts a batch; resolves once it is in D1 (`delivered: true`) or in the
   * outbox for a retry (`delivered: false`). The same `batchId` is applied at most once.
   */
  async append(
    batchId: string,
    drafts: AuditDraft[],
  ): Promise<{ first_seq: number; last_seq: number; delivered: boolean }> {
    if (!Array.isArray(drafts) || drafts.length === 0 || drafts.length > MAX_APPEND) {
      throw new Error(`append takes 1-${MAX_APPEND} entries`);
    }
    const range = await this.exclusive(() => this.sealBatch(batchId, drafts));
    const answer = { first_seq: range.first_seq, last_seq: range.last_seq };
    if (range.last_seq <= this.delivered.seq) return { ...answer, delivered: true };
    if (!this.queued.has(batchId)) {
      void this.kick(); // in the outbox
      return { ...answer, delivered: false };
    }
    const delivered = await new Promise<boolean>((resolve) => {
      this.waiters.push({ seq: range.last_seq, resolve });
      void this.kick();
    });
    return { ...answer, delivered };
  }

  /** The chain head and delivery position (for `GET /admin/audit/verify`). */
  async status(): Promise<SequencerHead> {
    return {
      seq: this.head.seq,
      hash: this.head.hash,
      delivered_seq: this.delivered.seq,
      delivered_hash: this.delivered.hash,
      pending: this.queue.length + this.store.outboxSize(),
    };
  }

  /** Delivers whatever is pending now; returns what is still pending. */
  async flush(): Promise<{ pending: number }> {
    await this.kick();
    return { pending: (await this.status()).pending };
  }

  /** Retries delivery of the outbox. */
  override async alarm(): Promise<void> {
    await this.kick();
  }

  /** Runs `fn` after every earlier sealing step: sequence numbers and links go one batch at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.sealing.then(fn, fn);
    this.sealing = run.catch(() => undefined);
    return run;
  }

  private async sealBatch(batchId: string, drafts: AuditDraft[]): Promise<BatchRange> {
    const known = this.queued.get(batchId) ?? this.store.batch(batchId);
    if (known) return known;
    const { rows, head } = await seal(this.head, drafts);
    const range: BatchRange = { first_seq: rows[0]?.seq ?? head.seq, last_seq: head.seq, at: Date.now() };
    if (this.spooled) {
      this.store.spool(rows, [[batchId, range]], head, this.delivered);
    } else {
      this.queue.push(...rows);
      this.queued.set(batchId, range);
    }
    this.head = head;
    return range;
  }

  /** Starts a delivery run unless one is going; resolves when that run ends. */
  private kick(): Promise<void> {
    if (!this.draining) {
      this.draining = this.deliver().finally(() => {
        this.draining = null;
      });
    }
    return this.draining;
  }

  private async deliver(): Promise<void> {
    for (;;) {
      const fromOutbox = this.spooled;
      const rows = fromOutbox ? this.store.outbox(DELIVERY_BATCH) : this.queue.slice(0, DELIVERY_BATCH);
      const last = rows.at(-1);
      if (!last) {
        this.spooled = false; // the outbox is empty (one synchronous step with reading it)
        this.retryMs = RETRY_MIN_MS;
        return;
      }
      try {
        const conflicts = await insertAuditRows(this.env.DB, rows);
        if (conflicts.length > 0) {
          // Someone wrote rows at sequence numbers only this object assigns; verify flags them.
          logger.error("audit_sequence_conflict", { seqs: conflicts.map((r) => r.seq).slice(0, 20) });
        }
      } catch (err) {
        logger.error("audit_delivery_failed", {
          pending_from: rows[0]?.seq,
          retry_in_ms: this.retryMs,
          error: err instanceof Error ? err.message : String(err),
        });
        if (!fromOutbox) this.moveQueueToOutbox();
        await this.ctx.storage.setAlarm(Date.now() + this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
        this.settle(false);
        return;
      }
      this.delivered = { seq: last.seq, hash: last.hash };
      const done: Array<[string, BatchRange]> = [];
      for (const [id, range] of this.queued) if (range.last_seq <= last.seq) done.push([id, range]);
      for (const [id] of done) this.queued.delete(id);
      if (!fromOutbox) this.queue.splice(0, rows.length);
      this.store.delivered(this.delivered, this.head, done, Date.now() - BATCH_ID_TTL_MS);
      this.settle(true);
    }
  }

  /** Keeps everything sealed and undelivered in SQLite, and switches new batches there too. */
  private moveQueueToOutbox(): void {
    this.store.spool(this.queue, [...this.queued], this.head, this.delivered);
    this.queue = [];
    this.queued.clear();
    this.spooled = true;
  }

  /** Wakes appenders: those now in D1, or all of them (now in the outbox) after a failure. */
  private settle(ok: boolean): void {
    const waiting: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (!ok) waiter.resolve(false);
      else if (waiter.seq <= this.delivered.seq) waiter.resolve(true);
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }
}
