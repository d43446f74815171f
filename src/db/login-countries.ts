/** SQL of the countries each account has logged in from. */

/**
 * Records a login from `country` and returns the countries the account had used before it,
 * in one transaction (two concurrent logins from a new country see each other).
 */
export async function noteLoginCountry(
  db: D1Database,
  accountId: string,
  country: string,
  now: number,
): Promise<string[]> {
  const [before] = await db.batch<{ country: string }>([
    db.prepare("SELECT country FROM login_countries WHERE account_id = ?1").bind(accountId),
    db
      .prepare(
        `INSERT INTO login_countries (account_id, country, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (account_id, country) DO UPDATE SET last_seen = excluded.last_seen`,
      )
      .bind(accountId, country, now),
  ]);
  return (before?.results ?? []).map((r) => r.country);
}
