import type { AuditRow } from "../src/services/audit/chain";

/** A chain position: sequence number and hash. */
export interface Position {
  seq: number;
  hash: string;
}

/** An appended batch's range, remembered so a retry of the same batch id is applied once. */
export interface BatchRange {
  first_seq: number;
  last_seq: number;
  at: number;
}

/**
 * The AuditSequencer's own SQLite storage: the chain head and how far D1 has it, the ids of
 * recent batches, and the outbox of sealed rows that D1 refused (kept until a retry lands them).
 * Each write is one transaction.
 */
export class SequencerStore {
  private readonly sql: SqlStorage;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
  }

  /** Creates the tables (idempotent; call inside `blockConcurrencyWhile`). */
  ensureSchema(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS head (
      id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL,
      delivered_seq INTEGER NOT NULL, delivered_hash TEXT NOT NULL) STRICT`);
    this.sql.exec("CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, row TEXT NOT NULL) STRICT");
    this.sql.exec(`CREATE TABLE IF NOT EXISTS batches (
      id TEXT PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, at INTEGER NOT NULL) STRICT`);
    this.sql.exec("CREATE INDEX IF NOT EXISTS batches_at ON batches (at)");
  }

  /** The stored head and delivery position, or null before the first write. */
  loadHead(): { head: Position; delivered: Position } | null {
    for (const h of this.sql.exec<{ seq: number; hash: string; delivered_seq: number; delivered_hash: string }>(
      "SELECT seq, hash, delivered_seq, delivered_hash FROM head WHERE id = 1",
    )) {
      return { head: { seq: h.seq, hash: h.hash }, delivered: { seq: h.delivered_seq, hash: h.delivered_hash } };
    }
    return null;
  }

  /** A remembered batch (appended earlier, in D1 or in the outbox), or null. */
  batch(id: string): BatchRange | null {
    for (const b of this.sql.exec<{ first_seq: number; last_seq: number; at: number }>(
      "SELECT first_seq, last_seq, at FROM batches WHERE id = ?",
      id,
    )) {
      return b;
    }
    return null;
  }

  /** Outbox rows in chain order, up to `limit`. */
  outbox(limit: number): AuditRow[] {
    return this.sql
      .exec<{ row: string }>("SELECT row FROM outbox ORDER BY seq LIMIT ?", limit)
      .toArray()
      .map((r) => JSON.parse(r.row) as AuditRow);
  }

  /** Rows waiting in the outbox. */
  outboxSize(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox").one().n;
  }

  /** Rows join the outbox, their batch ids are remembered and the head moves, in one transaction. */
  spool(rows: AuditRow[], batches: Array<[string, BatchRange]>, head: Position, delivered: Position): void {
    this.storage.transactionSync(() => {
      for (const row of rows) {
        this.sql.exec("INSERT OR IGNORE INTO outbox (seq, row) VALUES (?, ?)", row.seq, JSON.stringify(row));
      }
      this.rememberBatches(batches);
      this.writeHead(head, delivered);
    });
  }

  /**
   * After rows up to `delivered` reached D1: drops them from the outbox, remembers the batch ids
   * they came in, forgets ids older than `forgetBefore`, and stores the positions.
   */
  delivered(delivered: Position, head: Position, batches: Array<[string, BatchRange]>, forgetBefore: number): void {
    this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM outbox WHERE seq <= ?", delivered.seq);
      this.rememberBatches(batches);
      this.sql.exec("DELETE FROM batches WHERE at < ?", forgetBefore);
      this.writeHead(head, delivered);
    });
  }

  private rememberBatches(batches: Array<[string, BatchRange]>): void {
    for (const [id, b] of batches) {
      this.sql.exec(
        "INSERT OR IGNORE INTO batches (id, first_seq, last_seq, at) VALUES (?, ?, ?, ?)",
        id,
        b.first_seq,
        b.last_seq,
        b.at,
      );
    }
  }

  private writeHead(head: Position, delivered: Position): void {
    this.sql.exec(
      `INSERT INTO head (id, seq, hash, delivered_seq, delivered_hash) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
         delivered_seq = excluded.delivered_seq, delivered_hash = excluded.delivered_hash`,
      head.seq,
      head.hash,
      delivered.seq,
      delivered.hash,
    );
  }
}
