/** SQL of service-wide settings (`system_settings`, key → JSON value). */

/** Reads a setting's JSON value and when it changed; null when it was never set. */
export async function readSetting(db: D1Database, key: string): Promise<{ value: string; updated_at: string } | null> {
  return db
    .prepare("SELECT value, updated_at FROM system_settings WHERE key = ?1")
    .bind(key)
    .first<{ value: string; updated_at: string }>();
}

/** Writes a setting. */
export async function writeSetting(db: D1Database, key: string, value: string, updatedAt: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO system_settings (key, value, updated_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .bind(key, value, updatedAt)
    .run();
}
