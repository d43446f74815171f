/**
 * One IP's recent authentication failures, kept in its RateLimiter object's SQLite storage
 * (`ip:<address>`) so every isolate counts into the same place. A burst (threshold failures
 * inside the window) is reported exactly once: the count restarts after it, so concurrent
 * failures cannot raise two. The table is created on the first failure, so subjects that never
 * fail (keys, users, most IPs) carry no trace of it.
 */
export class AuthFailureWindow {
  /** Whether the table exists (read at start-up, set by the first failure). */
  private ready = false;

  constructor(private readonly sql: SqlStorage) {}

  /** Notes whether an earlier life of the object already created the table (call at start-up). */
  load(): void {
    this.ready =
      this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'auth_failures'").toArray().length > 0;
  }

  /** Called once storage has been deleted: the next failure recreates the table. */
  forget(): void {
    this.ready = false;
  }

  private ensureSchema(): void {
    if (this.ready) return;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS auth_failures (expires_at INTEGER NOT NULL) STRICT;
       CREATE INDEX IF NOT EXISTS auth_failures_expires ON auth_failures (expires_at);`,
    );
    this.ready = true;
  }

  /**
   * Counts one failure at `now`; returns the failures inside the window and whether this one
   * completed a burst (then the count starts again from zero). Synchronous: the object runs it
   * to completion before the next call, so concurrent failures are counted exactly.
   */
  note(now: number, windowMs: number, threshold: number): { failures: number; burst: boolean } {
    this.ensureSchema();
    this.sql.exec("DELETE FROM auth_failures WHERE expires_at <= ?", now);
    this.sql.exec("INSERT INTO auth_failures (expires_at) VALUES (?)", now + windowMs);
    const failures = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM auth_failures").one().n;
    if (failures < threshold) return { failures, burst: false };
    this.sql.exec("DELETE FROM auth_failures");
    return { failures, burst: true };
  }

  /** When the newest failure leaves the window (epoch ms), or 0 when none is kept. */
  quietUntil(): number {
    if (!this.ready) return 0;
    const row = this.sql.exec<{ until: number | null }>("SELECT MAX(expires_at) AS until FROM auth_failures").one();
    return row.until ?? 0;
  }
}
