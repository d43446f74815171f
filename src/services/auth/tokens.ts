import {
  findRefreshTokenSession,
  insertSession,
  revokeSession,
  rotateRefreshToken,
  type SessionMethod,
} from "../../db/sessions";
import { ApiError } from "../../errors";
import { randomToken, sha256Hex } from "../../lib/crypto";
import type { Role } from "../../types";
import type { AuthDeps } from "./deps";
import { newId } from "./deps";
import { signAccessToken } from "./jwt";
import { ROLE_SCOPES } from "./scopes";
import { markSessionRevoked } from "./session-status";

/** The token pair of API.md: `{access_token, refresh_token, token_type, expires_in, expires_at}`. */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  expires_in: number;
  expires_at: string;
}

/** The account a session is opened for. */
export interface SessionSubject {
  id: string;
  role: Role;
  wallet: string | null;
}

// "rt_" + 32 CSPRNG bytes (base64url): opaque, and recognisable by secret scanners.
const REFRESH_TOKEN = /^rt_[A-Za-z0-9_-]{43}$/;

function newRefreshToken(): string {
  return `rt_${randomToken(32)}`;
}

async function pair(
  deps: AuthDeps,
  subject: SessionSubject,
  sessionId: string,
  refreshToken: string,
  nonce?: string,
): Promise<TokenPair> {
  const { token, expiresAt } = await signAccessToken(
    deps.config,
    {
      sub: subject.id,
      role: subject.role,
      permissions: [...ROLE_SCOPES[subject.role]],
      sid: sessionId,
      ...(subject.wallet ? { wallet: subject.wallet } : {}),
      ...(nonce ? { nonce } : {}),
    },
    deps.now,
  );
  return {
    access_token: token,
    refresh_token: refreshToken,
    token_type: "Bearer",
    expires_in: deps.config.ACCESS_TOKEN_TTL_SECONDS,
    expires_at: expiresAt.toISOString(),
  };
}

/**
 * Opens a session (a new refresh-token family) and returns its first token pair. `alongside`
 * statements (e.g. clearing login failures) commit in the same transaction.
 */
export async function startSession(
  deps: AuthDeps,
  subject: SessionSubject,
  method: SessionMethod,
  options: { nonce?: string; alongside?: D1PreparedStatement[] } = {},
): Promise<{ tokens: TokenPair; sessionId: string }> {
  const sessionId = newId("ses");
  const refreshToken = newRefreshToken();
  // Sign first: if signing failed after the insert, the session would exist without its tokens.
  const tokens = await pair(deps, subject, sessionId, refreshToken, options.nonce);
  await deps.db.batch([
    ...insertSession(deps.db, {
      id: sessionId,
      userId: subject.id,
      method,
      tokenHash: await sha256Hex(refreshToken),
      now: deps.now,
      expiresAt: deps.now + deps.config.REFRESH_TOKEN_TTL_SECONDS * 1000,
    }),
    ...(options.alongside ?? []),
  ]);
  return { tokens, sessionId };
}

/**
 * Rotates a refresh token: the presented one dies, a new pair in the same family is returned.
 * Presenting a rotated token again is reuse (RFC 9700): the whole family is revoked and
 * `refresh_token_reused` thrown. Unknown, expired or revoked tokens get `invalid_token`.
 */
export async function refreshSession(deps: AuthDeps, refreshToken: string): Promise<TokenPair> {
  if (!REFRESH_TOKEN.test(refreshToken)) throw new ApiError("invalid_token", "The refresh token is not valid.");
  const newToken = newRefreshToken();
  const result = await rotateRefreshToken(deps.db, {
    oldHash: await sha256Hex(refreshToken),
    newHash: await sha256Hex(newToken),
    now: deps.now,
    expiresAt: deps.now + deps.config.REFRESH_TOKEN_TTL_SECONDS * 1000,
  });
  if (result.rotated) {
    const owner = result.rotated;
    deps.audit({ event: "auth.refresh", account_id: owner.user_id, details: { session_id: owner.session_id } });
    return pair(deps, { id: owner.user_id, role: owner.role, wallet: owner.wallet }, owner.session_id, newToken);
  }

  const state = result.state;
  if (!state) throw new ApiError("invalid_token", "The refresh token is not valid.");
  if (state.used_at !== null) {
    await revokeSession(deps.db, state.session_id, "refresh_reuse", deps.now);
    markSessionRevoked(state.session_id);
    const details = { session_id: state.session_id, rotated_at: new Date(state.used_at).toISOString() };
    deps.audit({ event: "auth.refresh_reused", account_id: state.user_id, details });
    deps.security({ type: "refresh_token_reused", account_id: state.user_id, details });
    throw new ApiError("refresh_token_reused");
  }
  if (state.revoked_at !== null) throw new ApiError("invalid_token", "The session has been revoked.");
  throw new ApiError("invalid_token", "The refresh token has expired.");
}

/**
 * Ends the session a refresh token belongs to: the whole family is revoked, its access tokens
 * included. Unknown or already revoked tokens are accepted silently (RFC 7009 §2.2), so logout
 * is safe to retry.
 */
export async function endSession(deps: AuthDeps, refreshToken: string): Promise<void> {
  if (!REFRESH_TOKEN.test(refreshToken)) return;
  const session = await findRefreshTokenSession(deps.db, await sha256Hex(refreshToken));
  if (!session || session.revoked_at !== null) return;
  if (await revokeSession(deps.db, session.session_id, "logout", deps.now)) {
    deps.audit({ event: "auth.logout", account_id: session.user_id, details: { session_id: session.session_id } });
  }
  markSessionRevoked(session.session_id);
}
