/** Usage counters of API keys and their `last_used_at`, written in batches. */

/** Counts to add for one key, day and endpoint. */
export interface UsageDelta {
  key_id: string;
  day: string;
  endpoint: string;
  requests: number;
  rejected: number;
}

/**
 * Adds usage counts and moves `last_used_at` forward, all in one D1 batch (one transaction).
 * Rows of keys that no longer exist are skipped rather than failing the whole batch.
 */
export async function addUsage(
  db: D1Database,
  deltas: readonly UsageDelta[],
  lastUsed: ReadonlyMap<string, number>,
): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (const d of deltas) {
    statements.push(
      db
        .prepare(
          `INSERT INTO api_key_usage (key_id, day, endpoint, requests, rejected)
           SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = ?1)
           ON CONFLICT (key_id, day, endpoint) DO UPDATE SET
             requests = requests + excluded.requests, rejected = rejected + excluded.rejected`,
        )
        .bind(d.key_id, d.day, d.endpoint, d.requests, d.rejected),
    );
  }
  for (const [keyId, at] of lastUsed) {
    statements.push(
      db
        .prepare("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)")
        .bind(keyId, at),
    );
  }
  if (statements.length > 0) await db.batch(statements);
}

/** Totals of one key between two UTC days (inclusive), by endpoint and by day. */
export async function readUsage(
  db: D1Database,
  keyId: string,
  fromDay: string,
  toDay: string,
): Promise<{
  byEndpoint: Array<{ endpoint: string; requests: number; rejected: number }>;
  byDay: Array<{ day: string; requests: number; rejected: number }>;
}> {
  const [byEndpoint, byDay] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT endpoint, SUM(requests) AS requests, SUM(rejected) AS rejected FROM api_key_usage
         WHERE key_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY endpoint ORDER BY requests DESC, endpoint`,
      )
      .bind(keyId, fromDay, toDay),
    db
      .prepare(
        `SELECT day, SUM(requests) AS requests, SUM(rejected) AS rejected FROM api_key_usage
         WHERE key_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY day ORDER BY day`,
      )
      .bind(keyId, fromDay, toDay),
  ]);
  return {
    byEndpoint: (byEndpoint?.results ?? []) as Array<{ endpoint: string; requests: number; rejected: number }>,
    byDay: (byDay?.results ?? []) as Array<{ day: string; requests: number; rejected: number }>,
  };
}
