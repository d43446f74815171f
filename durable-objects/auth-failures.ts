/**
 * One IP's recent authentication failures, kept in its RateLimiter object's SQLite (`ip:<address>`)
 * so every isolate counts into the same place. A burst (threshold failures inside the window) is
 * reported exactly once: the count restarts after it, so concurrent failures cannot raise two.
 */
export class AuthFailureWindow {
  constructor(private readonly sql: SqlStorage) {}

  /** Creates the table (idempotent; call inside `blockConcurrencyWhile`). */
  ensureSchema(): void {
    this.sql.exec("CREATE TABLE IF NOT EXISTS auth_failures (at INTEGER NOT NULL)");
    this.sql.exec("CREATE INDEX IF NOT EXISTS auth_failures_at ON auth_failures (at)");
  }

  /**
   * Counts one failure at `now`; returns the failures inside the window and whether this one
   * completed a burst (then the count starts again from zero). Synchronous: concurrent calls
   * cannot interleave.
   */
  note(now: number, windowMs: number, threshold: number): { failures: number; burst: boolean } {
    this.sql.exec("DELETE FROM auth_failures WHERE at <= ?", now - windowMs);
    this.sql.exec("INSERT INTO auth_failures (at) VALUES (?)", now);
    const failures = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM auth_failures").one().n;
    if (failures < threshold) return { failures, burst: false };
    this.sql.exec("DELETE FROM auth_failures");
    return { failures, burst: true };
  }

  /** Epoch ms after which nothing here matters any more (the newest failure has left the window). */
  quietUntil(windowMs: number): number {
    const newest = this.sql.exec<{ at: number | null }>("SELECT MAX(at) AS at FROM auth_failures").one().at;
    return newest === null ? 0 : newest + windowMs;
  }

  /** Forgets everything (the object's storage is about to be deleted). */
  clear(): void {
    this.sql.exec("DELETE FROM auth_failures");
  }
}
