import type { Role } from "../types";

/** A row of `users`. Times are epoch milliseconds. */
export interface UserRow {
  id: string;
  email: string | null;
  password_hash: string | null;
  wallet: string | null;
  role: Role;
  created_at: number;
}

const COLUMNS = "id, email, password_hash, wallet, role, created_at";

/**
 * Inserts an email account. Returns false (and writes nothing) when the email is taken; the
 * UNIQUE index decides, so two concurrent registrations cannot both succeed.
 */
export async function insertEmailUser(
  db: D1Database,
  user: { id: string; email: string; passwordHash: string; role: Role; createdAt: number },
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO users (id, email, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (email) DO NOTHING`,
    )
    .bind(user.id, user.email, user.passwordHash, user.role, user.createdAt)
    .run();
  return result.meta.changes === 1;
}

/** The statement that reads an account by normalised email (batched with the lockout read at login). */
export function selectUserByEmail(db: D1Database, email: string): D1PreparedStatement {
  return db.prepare(`SELECT ${COLUMNS} FROM users WHERE email = ?1`).bind(email);
}

/** An account by id, or null. */
export function findUserById(db: D1Database, id: string): Promise<UserRow | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM users WHERE id = ?1`).bind(id).first<UserRow>();
}

/**
 * The account of a wallet, created as a `developer` on its first sign-in. Insert-or-ignore then
 * read, so concurrent first sign-ins of one wallet end up with the same single account.
 */
export async function findOrCreateWalletUser(
  db: D1Database,
  wallet: string,
  newId: string,
  now: number,
): Promise<{ user: UserRow; created: boolean }> {
  const [insert, select] = await db.batch<UserRow>([
    db
      .prepare(
        `INSERT INTO users (id, wallet, role, created_at) VALUES (?1, ?2, 'developer', ?3) ON CONFLICT (wallet) DO NOTHING`,
      )
      .bind(newId, wallet, now),
    db.prepare(`SELECT ${COLUMNS} FROM users WHERE wallet = ?1`).bind(wallet),
  ]);
  const user = select?.results[0];
  if (!user) throw new Error("wallet account missing after insert");
  return { user, created: insert?.meta.changes === 1 };
}

/** Replaces a password hash (after a successful login with weaker KDF parameters). */
export async function updatePasswordHash(db: D1Database, id: string, passwordHash: string): Promise<void> {
  await db.prepare("UPDATE users SET password_hash = ?2 WHERE id = ?1").bind(id, passwordHash).run();
}
