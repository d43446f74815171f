import type { Role } from "../types";

/** A row of `api_keys`. Times are epoch milliseconds; list-valued columns are JSON text. */
export interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  key_hash: string;
  prefix: string;
  secret_sealed: string;
  scopes: string;
  tier: "basic" | "premium" | "enterprise";
  ip_allowlist: string;
  allowed_countries: string;
  rate_per_minute: number | null;
  burst: number | null;
  status: "active" | "suspended" | "revoked";
  suspended_reason: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  revoked_reason: "revoked" | "rotated" | null;
  replaced_by: string | null;
  last_used_at: number | null;
  updated_at: number;
}

/** A key with its owner's current role, as authentication needs it. */
export interface ApiKeyAuthRow extends ApiKeyRow {
  owner_role: Role;
}

const COLUMNS = `id, user_id, name, key_hash, prefix, secret_sealed, scopes, tier, ip_allowlist,
  allowed_countries, rate_per_minute, burst, status, suspended_reason, created_at, expires_at,
  revoked_at, revoked_reason, replaced_by, last_used_at, updated_at`;

/** The values of a new key row (status active). */
export type NewApiKey = Omit<
  ApiKeyRow,
  "status" | "suspended_reason" | "revoked_at" | "revoked_reason" | "replaced_by" | "last_used_at" | "updated_at"
>;

const INSERT_COLUMNS = `id, user_id, name, key_hash, prefix, secret_sealed, scopes, tier, ip_allowlist,
  allowed_countries, rate_per_minute, burst, status, created_at, expires_at, updated_at`;

function insertValues(key: NewApiKey): unknown[] {
  return [
    key.id,
    key.user_id,
    key.name,
    key.key_hash,
    key.prefix,
    key.secret_sealed,
    key.scopes,
    key.tier,
    key.ip_allowlist,
    key.allowed_countries,
    key.rate_per_minute,
    key.burst,
    key.created_at,
    key.expires_at,
  ];
}

/** Inserts a new active key. */
export async function insertApiKey(db: D1Database, key: NewApiKey): Promise<void> {
  await db
    .prepare(
      `INSERT INTO api_keys (${INSERT_COLUMNS})
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'active', ?13, ?14, ?13)`,
    )
    .bind(...insertValues(key))
    .run();
}

/**
 * Rotation in one transaction: the old key is revoked only if it is still active and unexpired,
 * and the new key is inserted only if that revocation happened (it names the new key), so two
 * concurrent rotations of one key issue exactly one successor. False when nothing changed.
 */
export async function rotateApiKey(db: D1Database, oldId: string, next: NewApiKey, now: number): Promise<boolean> {
  const [, insert] = await db.batch([
    db
      .prepare(
        `UPDATE api_keys SET status = 'revoked', revoked_at = ?3, revoked_reason = 'rotated', replaced_by = ?2, updated_at = ?3
         WHERE id = ?1 AND status = 'active' AND (expires_at IS NULL OR expires_at > ?3)`,
      )
      .bind(oldId, next.id, now),
    db
      .prepare(
        `INSERT INTO api_keys (${INSERT_COLUMNS})
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'active', ?13, ?14, ?13
         WHERE EXISTS (SELECT 1 FROM api_keys WHERE id = ?15 AND replaced_by = ?1)`,
      )
      .bind(...insertValues(next), oldId),
  ]);
  return insert?.meta.changes === 1;
}

/** A key with its owner's role, by the hash of the presented key, or null. */
export function findKeyByHash(db: D1Database, keyHash: string): Promise<ApiKeyAuthRow | null> {
  return db
    .prepare(`SELECT k.*, u.role AS owner_role FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ?1`)
    .bind(keyHash)
    .first<ApiKeyAuthRow>();
}

/** A key by id, whoever owns it, or null. */
export function findKeyById(db: D1Database, id: string): Promise<ApiKeyRow | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?1`).bind(id).first<ApiKeyRow>();
}

/** One page of an account's keys, newest first, after the (created_at, id) cursor when given. */
export async function listKeysOfUser(
  db: D1Database,
  userId: string,
  options: { limit: number; after?: { created_at: number; id: string } },
): Promise<ApiKeyRow[]> {
  const { after, limit } = options;
  const statement = after
    ? db
        .prepare(
          `SELECT ${COLUMNS} FROM api_keys WHERE user_id = ?1 AND (created_at < ?2 OR (created_at = ?2 AND id < ?3))
           ORDER BY created_at DESC, id DESC LIMIT ?4`,
        )
        .bind(userId, after.created_at, after.id, limit)
    : db
        .prepare(`SELECT ${COLUMNS} FROM api_keys WHERE user_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2`)
        .bind(userId, limit);
  return (await statement.all<ApiKeyRow>()).results;
}

/** How many keys of an account are not revoked (expired ones included until revoked). */
export async function countLiveKeys(db: D1Database, userId: string): Promise<number> {
  const row = await db
    .prepare(`SELECT COUNT(*) AS n FROM api_keys WHERE user_id = ?1 AND status != 'revoked'`)
    .bind(userId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Revokes a key unless it already is; true when this call revoked it. */
export async function revokeApiKey(db: D1Database, id: string, now: number): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE api_keys SET status = 'revoked', revoked_at = ?2, revoked_reason = 'revoked', updated_at = ?2
       WHERE id = ?1 AND status != 'revoked'`,
    )
    .bind(id, now)
    .run();
  return result.meta.changes === 1;
}

/** Suspends or reinstates a key that is not revoked; returns the row as it is afterwards. */
export async function setKeySuspended(
  db: D1Database,
  id: string,
  suspended: boolean,
  reason: string | null,
  now: number,
): Promise<ApiKeyRow | null> {
  return db
    .prepare(
      `UPDATE api_keys SET status = ?2, suspended_reason = ?3, updated_at = ?4
       WHERE id = ?1 AND status != 'revoked' RETURNING ${COLUMNS}`,
    )
    .bind(id, suspended ? "suspended" : "active", suspended ? reason : null, now)
    .first<ApiKeyRow>();
}

/** Sets a key's tier and own rate limit (null: the tier's) unless it is revoked; returns the row. */
export async function setKeyLimits(
  db: D1Database,
  id: string,
  limits: { tier: ApiKeyRow["tier"]; rate_per_minute: number | null; burst: number | null },
  now: number,
): Promise<ApiKeyRow | null> {
  return db
    .prepare(
      `UPDATE api_keys SET tier = ?2, rate_per_minute = ?3, burst = ?4, updated_at = ?5
       WHERE id = ?1 AND status != 'revoked' RETURNING ${COLUMNS}`,
    )
    .bind(id, limits.tier, limits.rate_per_minute, limits.burst, now)
    .first<ApiKeyRow>();
}

/** Which of these keys still authenticate at `now` (active and not expired), in one batch of 500 ids per statement. */
export async function activeKeyIds(db: D1Database, ids: readonly string[], now: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    statements.push(
      db
        .prepare(
          "SELECT id FROM api_keys WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'active' AND (expires_at IS NULL OR expires_at > ?2)",
        )
        .bind(JSON.stringify(ids.slice(i, i + 500)), now),
    );
  }
  const results = await db.batch<{ id: string }>(statements);
  return new Set(results.flatMap((result) => result.results.map((row) => row.id)));
}
