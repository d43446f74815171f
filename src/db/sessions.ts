import type { Role } from "../types";

/** Sign-in method that started a session. */
export type SessionMethod = "password" | "wallet";

/** The account a session belongs to, as needed to mint its access tokens. */
export interface SessionOwner {
  session_id: string;
  user_id: string;
  method: SessionMethod;
  role: Role;
  wallet: string | null;
}

/** What is known about a refresh token that could not be rotated. */
export interface RefreshTokenState {
  session_id: string;
  user_id: string;
  used_at: number | null;
  expires_at: number;
  revoked_at: number | null;
}

/** The statements that open a session (token family) with its first refresh token. */
export function insertSession(
  db: D1Database,
  s: { id: string; userId: string; method: SessionMethod; tokenHash: string; now: number; expiresAt: number },
): D1PreparedStatement[] {
  return [
    db
      .prepare("INSERT INTO sessions (id, user_id, method, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(s.id, s.userId, s.method, s.now, s.expiresAt),
    db
      .prepare("INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
      .bind(s.tokenHash, s.id, s.now, s.expiresAt),
  ];
}

/**
 * Rotates a refresh token in one transaction: marks the old one used (only if it is unused,
 * unexpired and its family alive), inserts its replacement in the same family, and extends the
 * family. The conditional UPDATE decides, so of two concurrent rotations only one succeeds.
 * Returns the session owner when rotated, else the old token's state (null when unknown).
 */
export async function rotateRefreshToken(
  db: D1Database,
  r: { oldHash: string; newHash: string; now: number; expiresAt: number },
): Promise<{ rotated: SessionOwner } | { rotated: null; state: RefreshTokenState | null }> {
  const results = await db.batch<SessionOwner & RefreshTokenState>([
    db
      .prepare(
        `UPDATE refresh_tokens SET used_at = ?3, replaced_by = ?2
         WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?3
           AND session_id IN (SELECT id FROM sessions WHERE revoked_at IS NULL)`,
      )
      .bind(r.oldHash, r.newHash, r.now),
    db
      .prepare(
        `INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at)
         SELECT ?2, session_id, ?3, ?4 FROM refresh_tokens WHERE token_hash = ?1 AND replaced_by = ?2`,
      )
      .bind(r.oldHash, r.newHash, r.now, r.expiresAt),
    db
      .prepare(
        "UPDATE sessions SET expires_at = ?2 WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = ?1)",
      )
      .bind(r.newHash, r.expiresAt),
    db
      .prepare(
        `SELECT s.id AS session_id, s.user_id, s.method, u.role, u.wallet
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
         WHERE t.token_hash = ?1`,
      )
      .bind(r.newHash),
    db
      .prepare(
        `SELECT t.session_id, s.user_id, t.used_at, t.expires_at, s.revoked_at
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = ?1`,
      )
      .bind(r.oldHash),
  ]);
  const owner = results[0]?.meta.changes === 1 ? results[3]?.results[0] : undefined;
  if (owner) return { rotated: owner };
  return { rotated: null, state: results[4]?.results[0] ?? null };
}

/** The session a refresh token (used or not) belongs to, or null. */
export function findRefreshTokenSession(
  db: D1Database,
  tokenHash: string,
): Promise<{ session_id: string; user_id: string; revoked_at: number | null } | null> {
  return db
    .prepare(
      `SELECT t.session_id, s.user_id, s.revoked_at
       FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = ?1`,
    )
    .bind(tokenHash)
    .first();
}

/** Revokes a whole token family. Returns false when it was already revoked. */
export async function revokeSession(
  db: D1Database,
  sessionId: string,
  reason: "logout" | "refresh_reuse",
  now: number,
): Promise<boolean> {
  const result = await db
    .prepare("UPDATE sessions SET revoked_at = ?2, revoked_reason = ?3 WHERE id = ?1 AND revoked_at IS NULL")
    .bind(sessionId, now, reason)
    .run();
  return result.meta.changes === 1;
}

/** Whether a session exists and is not revoked: the access-token revocation check. */
export async function readSessionStatus(db: D1Database, sessionId: string): Promise<"active" | "revoked"> {
  const row = await db
    .prepare("SELECT revoked_at FROM sessions WHERE id = ?1")
    .bind(sessionId)
    .first<{ revoked_at: number | null }>();
  return row && row.revoked_at === null ? "active" : "revoked";
}

/**
 * Deletes sessions whose newest refresh token expired before `before` (their refresh tokens go
 * with them), at most `limit` per call. Their access tokens were already refused as expired.
 */
export async function purgeExpiredSessions(db: D1Database, before: number, limit: number): Promise<number> {
  const result = await db
    .prepare("DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at <= ?1 LIMIT ?2)")
    .bind(before, limit)
    .run();
  return result.meta.changes;
}

/** Which of these sessions are still alive (exist and not revoked): one batch, 500 ids per statement. */
export async function activeSessionIds(db: D1Database, sessionIds: readonly string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < sessionIds.length; i += 500) {
    statements.push(
      db
        .prepare("SELECT id FROM sessions WHERE id IN (SELECT value FROM json_each(?1)) AND revoked_at IS NULL")
        .bind(JSON.stringify(sessionIds.slice(i, i + 500))),
    );
  }
  const results = await db.batch<{ id: string }>(statements);
  return new Set(results.flatMap((result) => result.results.map((row) => row.id)));
}
