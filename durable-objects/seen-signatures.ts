/**
 * The replay store of signed requests, kept in a subject's (`key:<key_id>`) Durable Object
 * SQLite storage. A signature is admitted once while its timestamp could still pass the window;
 * after that the window check refuses it anyway, so the row can go. The table is created on the
 * first claim, so subjects that never sign (users, IPs) carry no trace of it.
 */
export class SeenSignatures {
  /** Whether the table exists (read at start-up, set by the first claim). */
  private ready = false;

  constructor(private readonly sql: SqlStorage) {}

  /** Notes whether an earlier life of the object already created the table (call at start-up). */
  load(): void {
    this.ready =
      this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seen_signatures'").toArray().length >
      0;
  }

  /** Called once storage has been deleted: the next claim recreates the table. */
  forget(): void {
    this.ready = false;
  }

  private ensureSchema(): void {
    if (this.ready) return;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS seen_signatures (signature TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT;
       CREATE INDEX IF NOT EXISTS seen_signatures_expires ON seen_signatures (expires_at);`,
    );
    this.ready = true;
  }

  /**
   * Records `signature` until `expiresAt`; true the first time, false for a repeat. Synchronous:
   * the object runs it to completion before the next call, so two identical concurrent requests
   * cannot both be first.
   */
  claim(signature: string, expiresAt: number, now: number): boolean {
    this.ensureSchema();
    this.sql.exec("DELETE FROM seen_signatures WHERE expires_at <= ?", now);
    const inserted = this.sql.exec(
      "INSERT INTO seen_signatures (signature, expires_at) VALUES (?, ?) ON CONFLICT (signature) DO NOTHING",
      signature,
      expiresAt,
    );
    return inserted.rowsWritten > 0;
  }

  /** When the last remembered signature may be forgotten (epoch ms), or 0 when none is kept. */
  quietUntil(): number {
    if (!this.ready) return 0;
    const row = this.sql.exec<{ until: number | null }>("SELECT MAX(expires_at) AS until FROM seen_signatures").one();
    return row.until ?? 0;
  }
}
