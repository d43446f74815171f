import { clearLoginFailures, recordLoginFailure, selectActiveLock } from "../../db/login-attempts";
import { insertEmailUser, selectUserByEmail, type UserRow, updatePasswordHash } from "../../db/users";
import { ApiError } from "../../errors";
import { sha256Hex } from "../../lib/crypto";
import type { Role } from "../../types";
import { type AuthDeps, newId, normaliseEmail } from "./deps";
import { hashPassword, verifyPassword } from "./passwords";
import { startSession, type TokenPair } from "./tokens";

/** Failed logins for one account inside LOCKOUT_WINDOW_MS that lock it (API.md "Passwords"). */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
/** How long a locked account refuses every password, the right one included. */
export const LOCKOUT_DURATION_MS = 15 * 60 * 1000;

/** Registers an email account. `admin` comes only from ADMIN_EMAILS; a taken email is 409 `conflict`. */
export async function register(
  deps: AuthDeps,
  input: { email: string; password: string; role?: "developer" | "trader" },
): Promise<{ user_id: string; email: string; role: Role }> {
  const email = normaliseEmail(input.email);
  const admins = deps.config.ADMIN_EMAILS.map(normaliseEmail);
  const role: Role = admins.includes(email) ? "admin" : (input.role ?? "developer");
  const id = newId("usr");
  const inserted = await insertEmailUser(deps.db, {
    id,
    email,
    passwordHash: await hashPassword(input.password),
    role,
    createdAt: deps.now,
  });
  if (!inserted) throw new ApiError("conflict", "An account with this email already exists.");
  deps.audit({ event: "auth.register", account_id: id, details: { role, method: "password" } });
  return { user_id: id, email, role };
}

/**
 * Password login. Unknown email, wrong password and a locked account all run the same KDF and
 * end in the same 401 `invalid_credentials`; 5 failures within 15 minutes lock the account for
 * 15 minutes.
 */
export async function login(deps: AuthDeps, input: { email: string; password: string }): Promise<TokenPair> {
  const email = normaliseEmail(input.email);
  const emailKey = await sha256Hex(email);
  const [users, locks] = await deps.db.batch<unknown>([
    selectUserByEmail(deps.db, email),
    selectActiveLock(deps.db, emailKey, deps.now),
  ]);
  const user = (users?.results[0] as UserRow | undefined) ?? null;
  const locked = (locks?.results.length ?? 0) > 0;
  // Always run the KDF (against a dummy hash for unknown emails) so timing tells nothing.
  const { ok, needsRehash } = await verifyPassword(input.password, user?.password_hash ?? null);

  if (locked || !ok || !user) {
    const reason = locked ? "account_locked" : user ? "bad_password" : "unknown_email";
    // Attempts during a lock are not counted, so the lock ends 15 minutes after it started.
    const lockedUntil = locked
      ? null
      : await recordLoginFailure(deps.db, emailKey, {
          now: deps.now,
          windowMs: LOCKOUT_WINDOW_MS,
          threshold: LOCKOUT_THRESHOLD,
          lockMs: LOCKOUT_DURATION_MS,
        });
    deps.audit({
      event: "auth.login_failed",
      account_id: user?.id ?? null,
      details: {
        reason,
        method: "password",
        ...(lockedUntil ? { locked_until: new Date(lockedUntil).toISOString() } : {}),
      },
    });
    throw new ApiError("invalid_credentials", "The email or password is wrong.");
  }

  const { tokens, sessionId } = await startSession(deps, user, "password", {
    alongside: [clearLoginFailures(deps.db, emailKey)],
  });
  if (needsRehash) await updatePasswordHash(deps.db, user.id, await hashPassword(input.password));
  deps.audit({
    event: "auth.login_succeeded",
    account_id: user.id,
    details: { method: "password", session_id: sessionId },
  });
  return tokens;
}
