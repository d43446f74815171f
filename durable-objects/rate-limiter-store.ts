import type { Changes, StoredBucket, SubjectState } from "../src/services/ratelimit/decide";
import { emptyState } from "../src/services/ratelimit/decide";

/**
 * The rate limiter's SQLite tables (one subject per object). Every write is synchronous, so a
 * `check` that calls `save` stays one atomic event: no other request interleaves, and the
 * response leaves only after the write is durable (output gate).
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

const UPSERT_BUCKET_ROW = "(?, ?, ?, ?)";
const upsertBuckets = (rows: number) =>
  `INSERT INTO buckets (name, level, at_ms, full_ms) VALUES ${new Array(rows).fill(UPSERT_BUCKET_ROW).join(", ")}
   ON CONFLICT (name) DO UPDATE SET level = excluded.level, at_ms = excluded.at_ms, full_ms = excluded.full_ms`;
// A request touches at most two buckets (minute + one category): two fixed statements.
const UPSERT_ONE = upsertBuckets(1);
const UPSERT_TWO = upsertBuckets(2);

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

  /** Writes what `decide` changed. */
  save(state: SubjectState, changes: Changes): void {
    if (changes.buckets.length > 0) {
      const values: (string | number)[] = [];
      for (const name of changes.buckets) {
        const bucket = state.buckets.get(name);
        if (bucket) values.push(name, bucket.level, bucket.at, bucket.fullAt);
      }
      this.sql.exec(changes.buckets.length === 2 ? UPSERT_TWO : UPSERT_ONE, ...values);
    }
    if (changes.ringCleared) this.sql.exec("DELETE FROM refusals");
    if (changes.refusal) {
      this.sql.exec(
        "INSERT INTO refusals (slot, at_ms) VALUES (?, ?) ON CONFLICT (slot) DO UPDATE SET at_ms = excluded.at_ms",
        changes.refusal.slot,
        changes.refusal.at,
      );
    }
    if (changes.subject) {
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
