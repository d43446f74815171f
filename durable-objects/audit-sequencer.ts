import { DurableObject } from "cloudflare:workers";
import { chainTail, insertAuditRows } from "../src/db/audit-log";
import { logger } from "../src/lib/log";
import { type AuditDraft, type AuditRow, GENESIS_HASH, seal } from "../src/services/audit/chain";

/** Rows per D1 batch when delivering the outbox. */
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
 * An appended batch is first sealed into this object's own SQLite (outbox + head, one
 * transaction), then delivered to D1 in order, so once `append` returns nothing is lost even if
 * D1 is down: the outbox is retried from an alarm with backoff. Delivery is group-committed:
 * appends that arrive while a D1 write is in flight ride the next one.
 */
export class AuditSequencer extends DurableObject<Env> {
  private head = { seq: 0, hash: GENESIS_HASH };
  private delivered = { seq: 0, hash: GENESIS_HASH };
  private sealing: Promise<unknown> = Promise.resolve();
  private draining: Promise<void> | null = null;
  private waiters: Waiter[] = [];
  private retryMs = RETRY_MIN_MS;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const sql = ctx.storage.sql;
      sql.exec(`CREATE TABLE IF NOT EXISTS head (
        id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL,
        delivered_seq INTEGER NOT NULL, delivered_hash TEXT NOT NULL)`);
      sql.exec("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, row TEXT NOT NULL)");
      sql.exec(`CREATE TABLE IF NOT EXISTS batches (
        id TEXT PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, at INTEGER NOT NULL)`);
      sql.exec("CREATE INDEX IF NOT EXISTS batches_at ON batches (at)");
      const row = sql.exec<{ seq: number; hash: string; delivered_seq: number; delivered_hash: string }>(
        "SELECT seq, hash, delivered_seq, delivered_hash FROM head WHERE id = 1",
      );
      for (const h of row) {
        this.head = { seq: h.seq, hash: h.hash };
        this.delivered = { seq: h.delivered_seq, hash: h.delivered_hash };
        return;
      }
      // No state of our own (first start, or storage lost): continue the chain D1 holds rather
      // than restart at 1 and collide with stored sequence numbers.
      const tail = await chainTail(env.DB);
      if (tail) {
        this.head = { ...tail };
        this.delivered = { ...tail };
      }
    });
  }

  /**
   * Numbers, chains and durably accepts a batch; resolves once it is in D1 (`delivered: true`) or
   * queued for retry (`delivered: false`). The same `batchId` is applied at most once.
   */
  async append(
    batchId: string,
    drafts: AuditDraft[],
  ): Promise<{ first_seq: number; last_seq: number; delivered: boolean }> {
    if (!Array.isArray(drafts) || drafts.length === 0 || drafts.length > MAX_APPEND) {
      throw new Error(`append takes 1-${MAX_APPEND} entries`);
    }
    const range = await this.exclusive(() => this.sealBatch(batchId, drafts));
    if (range.last_seq <= this.delivered.seq) return { ...range, delivered: true };
    const delivered = await new Promise<boolean>((resolve) => {
      this.waiters.push({ seq: range.last_seq, resolve });
      void this.kick();
    });
    return { ...range, delivered };
  }

  /** The chain head and delivery position (for `GET /admin/audit/verify`). */
  async status(): Promise<SequencerHead> {
    const pending = this.ctx.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
    return {
      seq: this.head.seq,
      hash: this.head.hash,
      delivered_seq: this.delivered.seq,
      delivered_hash: this.delivered.hash,
      pending,
    };
  }

  /** Delivers whatever the outbox holds now; returns what is still pending. */
  async flush(): Promise<{ pending: number }> {
    await this.kick();
    return { pending: (await this.status()).pending };
  }

  /** Retries delivery of the outbox. */
  override async alarm(): Promise<void> {
    await this.kick();
  }

  /** Runs `fn` after every earlier sealing step: sequence numbers and links are assigned one batch at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.sealing.then(fn, fn);
    this.sealing = run.catch(() => undefined);
    return run;
  }

  private async sealBatch(batchId: string, drafts: AuditDraft[]): Promise<{ first_seq: number; last_seq: number }> {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    for (const seen of sql.exec<{ first_seq: number; last_seq: number }>(
      "SELECT first_seq, last_seq FROM batches WHERE id = ?",
      batchId,
    )) {
      return seen;
    }
    const { rows, head } = await seal(this.head, drafts);
    const first = rows[0]?.seq ?? head.seq;
    this.ctx.storage.transactionSync(() => {
      for (const row of rows) sql.exec("INSERT INTO outbox (seq, row) VALUES (?, ?)", row.seq, JSON.stringify(row));
      sql.exec(
        `INSERT INTO head (id, seq, hash, delivered_seq, delivered_hash) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
        head.seq,
        head.hash,
        this.delivered.seq,
        this.delivered.hash,
      );
      sql.exec("INSERT INTO batches (id, first_seq, last_seq, at) VALUES (?, ?, ?, ?)", batchId, first, head.seq, now);
      sql.exec("DELETE FROM batches WHERE at < ?", now - BATCH_ID_TTL_MS);
    });
    this.head = head;
    return { first_seq: first, last_seq: head.seq };
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
    const sql = this.ctx.storage.sql;
    for (;;) {
      const rows = sql
        .exec<{ row: string }>("SELECT row FROM outbox ORDER BY seq LIMIT ?", DELIVERY_BATCH)
        .toArray()
        .map((r) => JSON.parse(r.row) as AuditRow);
      const last = rows.at(-1);
      if (!last) {
        this.retryMs = RETRY_MIN_MS;
        return;
      }
      try {
        const conflicts = await insertAuditRows(this.env.DB, rows);
        if (conflicts.length > 0) {
          // Someone wrote rows at sequence numbers only this object assigns; verify will flag them.
          logger.error("audit_sequence_conflict", { seqs: conflicts.map((r) => r.seq).slice(0, 20) });
        }
      } catch (err) {
        logger.error("audit_delivery_failed", {
          pending_from: rows[0]?.seq,
          retry_in_ms: this.retryMs,
          error: err instanceof Error ? err.message : String(err),
        });
        await this.ctx.storage.setAlarm(Date.now() + this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
        this.settle(false);
        return;
      }
      this.ctx.storage.transactionSync(() => {
        sql.exec("DELETE FROM outbox WHERE seq <= ?", last.seq);
        sql.exec("UPDATE head SET delivered_seq = ?, delivered_hash = ? WHERE id = 1", last.seq, last.hash);
      });
      this.delivered = { seq: last.seq, hash: last.hash };
      this.settle(true);
    }
  }

  /** Wakes appenders: those now in D1 (or all of them, queued for retry, after a failure). */
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
