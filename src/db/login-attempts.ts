/**
 * Failed password logins and lockouts, keyed by the SHA-256 of the normalised email (unknown
 * emails included, so a wrong password and an unknown email do the same work).
 */

/** The statement that reads an active lock (batched with the account read at login). */
export function selectActiveLock(db: D1Database, emailKey: string, now: number): D1PreparedStatement {
  return db
    .prepare("SELECT locked_until FROM login_locks WHERE email_key = ?1 AND locked_until > ?2")
    .bind(emailKey, now);
}

/**
 * Records a failure in one transaction: drops failures older than the window, adds this one,
 * and locks the key until `now + lockMs` when `threshold` failures remain inside the window.
 * Returns the lock's end when this failure caused one.
 */
export async function recordLoginFailure(
  db: D1Database,
  emailKey: string,
  options: { now: number; windowMs: number; threshold: number; lockMs: number },
): Promise<number | null> {
  const { now, windowMs, threshold, lockMs } = options;
  const results = await db.batch<{ locked_until: number }>([
    db.prepare("DELETE FROM login_failures WHERE email_key = ?1 AND failed_at <= ?2").bind(emailKey, now - windowMs),
    db.prepare("INSERT INTO login_failures (email_key, failed_at) VALUES (?1, ?2)").bind(emailKey, now),
    db
      .prepare(
        `INSERT INTO login_locks (email_key, locked_until)
         SELECT ?1, ?2 WHERE (SELECT COUNT(*) FROM login_failures WHERE email_key = ?1) >= ?3
         ON CONFLICT (email_key) DO UPDATE SET locked_until = excluded.locked_until
         RETURNING locked_until`,
      )
      .bind(emailKey, now + lockMs, threshold),
    // A lock starts a fresh count: failures before it must not shorten the next one.
    db
      .prepare(
        "DELETE FROM login_failures WHERE email_key = ?1 AND EXISTS (SELECT 1 FROM login_locks WHERE email_key = ?1 AND locked_until = ?2)",
      )
      .bind(emailKey, now + lockMs),
  ]);
  return results[2]?.results[0]?.locked_until ?? null;
}

/** The statement that forgets an account's failures (after a successful login). */
export function clearLoginFailures(db: D1Database, emailKey: string): D1PreparedStatement {
  return db.prepare("DELETE FROM login_failures WHERE email_key = ?1").bind(emailKey);
}

/** Deletes failures older than the window and expired locks, at most `limit` rows each. */
export async function purgeLoginAttempts(db: D1Database, failuresBefore: number, now: number, limit: number) {
  const [failures, locks] = await db.batch([
    db
      .prepare(
        "DELETE FROM login_failures WHERE rowid IN (SELECT rowid FROM login_failures WHERE failed_at <= ?1 LIMIT ?2)",
      )
      .bind(failuresBefore, limit),
    db
      .prepare(
        "DELETE FROM login_locks WHERE rowid IN (SELECT rowid FROM login_locks WHERE locked_until <= ?1 LIMIT ?2)",
      )
      .bind(now, limit),
  ]);
  return (failures?.meta.changes ?? 0) + (locks?.meta.changes ?? 0);
}
