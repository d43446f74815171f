import type { Changes, StoredBucket, SubjectState } from "../src/services/ratelimit/decide";
import { emptyState } from "../src/services/ratelimit/decide";

/** What changed in memory since the last write to storage. */
export interface Pending {
  buckets: Set<string>;
  slots: Set<number>;
  ringCleared: boolean;
  subject: boolean;
}

/** Nothing to write. */
export function nothingPending(): Pending {
  return { buckets: new Set(), slots: new Set(), ringCleared: false, subject: false };
}

/** Adds one decision's changes to what is pending. */
export function absorb(pending: Pending, changes: Changes): void {
  for (const name of changes.buckets) pending.buckets.add(name);
  if (changes.ringCleared) {
    // Slots written before the ring was cleared belong to the old ring: only the delete matters.
    pending.ringCleared = true;
    pending.slots.clear();
  }
  if (changes.refusal) pending.slots.add(changes.refusal.slot);
  if (changes.subject) pending.subject = true;
}

/** True when something must be written. */
export function isPending(pending: Pending): boolean {
  return pending.buckets.size > 0 || pending.slots.size > 0 || pending.ringCleared || pending.subject;
}

/**
 * The rate limiter's SQLite tables (one subject per object). Writes are synchronous SQL, so a
 * `save` is one atomic transaction.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS buckets (
  name TEXT PRIMARY KEY,
  level INTEGER NOT NULL,
  at_ms INTEGER NOT NULL,
  full_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS refusals (
  slot INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS subject (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  ring_size INTEGER NOT NULL,
  ring_seq INTEGER NOT NULL,
  ring_quiet_ms INTEGER NOT NULL,
  pause_until_ms INTEGER NOT NULL,
  pause_strike INTEGER NOT NULL,
  pause_forget_ms INTEGER NOT NULL
) STRICT;`;

const UPSERT_BUCKETS = [1, 2, 3, 4, 5, 6].map(
  (rows) =>
    `INSERT INTO buckets (name, level, at_ms, full_ms) VALUES ${new Array(rows).fill("(?, ?, ?, ?)").join(", ")}
     ON CONFLICT (name) DO UPDATE SET level = excluded.level, at_ms = excluded.at_ms, full_ms = excluded.full_ms`,
);

/** Loads and saves one subject's state in the object's SQLite storage. */
export class SubjectStore {
  private ready = false;

  constructor(private readonly sql: SqlStorage) {}

  /** Creates the tables if needed (again after `forget`, since deleting storage drops them). */
  ensureSchema(): void {
    if (this.ready) return;
    this.sql.exec(SCHEMA);
    this.ready = true;
  }

  /** Called once storage has been deleted: the next write recreates the tables. */
  forget(): void {
    this.ready = false;
  }

  /** The stored state, or an empty one for a new subject. */
  load(): SubjectState {
    const state = emptyState();
    for (const row of this.sql.exec<{ name: string; level: number; at_ms: number; full_ms: number }>(
      "SELECT name, level, at_ms, full_ms FROM buckets",
    )) {
      const bucket: StoredBucket = { level: row.level, at: row.at_ms, fullAt: row.full_ms };
      state.buckets.set(row.name, bucket);
    }
    const subject = this.sql
      .exec<{
        ring_size: number;
        ring_seq: number;
        ring_quiet_ms: number;
        pause_until_ms: number;
        pause_strike: number;
        pause_forget_ms: number;
      }>("SELECT * FROM subject WHERE id = 1")
      .toArray()[0];
    if (subject) {
      state.ring = { size: subject.ring_size, seq: subject.ring_seq, times: [] };
      state.ringQuietAt = subject.ring_quiet_ms;
      state.pause = { until: subject.pause_until_ms, strike: subject.pause_strike, forgetAt: subject.pause_forget_ms };
      for (const row of this.sql.exec<{ slot: number; at_ms: number }>("SELECT slot, at_ms FROM refusals")) {
        if (row.slot < state.ring.size) state.ring.times[row.slot] = row.at_ms;
      }
    }
    return state;
  }

  /** Writes what is pending (the current in-memory values of every changed row), atomically. */
  save(state: SubjectState, pending: Pending): void {
    // One statement for all changed buckets (the minute bucket plus at most five categories).
    const values: (string | number)[] = [];
    for (const name of pending.buckets) {
      const bucket = state.buckets.get(name);
      if (bucket) values.push(name, bucket.level, bucket.at, bucket.fullAt);
    }
    const statement = UPSERT_BUCKETS[values.length / 4 - 1];
    if (statement) this.sql.exec(statement, ...values);
    if (pending.ringCleared) this.sql.exec("DELETE FROM refusals");
    for (const slot of pending.slots) {
      const at = state.ring.times[slot];
      if (at === undefined) continue;
      this.sql.exec(
        "INSERT INTO refusals (slot, at_ms) VALUES (?, ?) ON CONFLICT (slot) DO UPDATE SET at_ms = excluded.at_ms",
        slot,
        at,
      );
    }
    if (pending.subject) {
      this.sql.exec(
        `INSERT INTO subject (id, ring_size, ring_seq, ring_quiet_ms, pause_until_ms, pause_strike, pause_forget_ms)
         VALUES (1, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET ring_size = excluded.ring_size, ring_seq = excluded.ring_seq,
           ring_quiet_ms = excluded.ring_quiet_ms, pause_until_ms = excluded.pause_until_ms,
           pause_strike = excluded.pause_strike, pause_forget_ms = excluded.pause_forget_ms`,
        state.ring.size,
        state.ring.seq,
        state.ringQuietAt,
        state.pause.until,
        state.pause.strike,
        state.pause.forgetAt,
      );
    }
  }
}
