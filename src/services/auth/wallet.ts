import { findOrCreateWalletUser } from "../../db/users";
import { consumeWalletNonce, findWalletNonce, insertWalletNonce } from "../../db/wallet-nonces";
import { ApiError } from "../../errors";
import { sha256Hex, timingSafeEqual, toHex } from "../../lib/crypto";
import { verifySolanaSignature } from "../../lib/solana";
import { type AuthDeps, newId } from "./deps";
import { buildSignInMessage, readNonce, SIGN_IN_STATEMENT } from "./siws";
import { startSession, type TokenPair } from "./tokens";

/** How long a sign-in nonce may be used (API.md: single-use, 5 minutes). */
export const WALLET_NONCE_TTL_MS = 5 * 60 * 1000;
/** Chain named in the sign-in message. */
export const SIGN_IN_CHAIN_ID = "mainnet";

/**
 * Issues a single-use nonce and the exact Sign-In-With-Solana message to sign for `wallet`.
 * `origin` is the request's own origin: its host is the message's domain, itself the URI.
 */
export async function issueWalletNonce(
  deps: AuthDeps,
  input: { wallet: string; origin: string },
): Promise<{ wallet: string; nonce: string; message: string; expires_at: string }> {
  const nonce = toHex(crypto.getRandomValues(new Uint8Array(16)));
  const expiresAt = deps.now + WALLET_NONCE_TTL_MS;
  const url = new URL(input.origin);
  const message = buildSignInMessage({
    domain: url.host,
    address: input.wallet,
    statement: SIGN_IN_STATEMENT,
    uri: url.origin,
    version: "1",
    chainId: SIGN_IN_CHAIN_ID,
    nonce,
    issuedAt: new Date(deps.now).toISOString(),
    expirationTime: new Date(expiresAt).toISOString(),
  });
  await insertWalletNonce(deps.db, {
    nonce,
    wallet: input.wallet,
    messageHash: await sha256Hex(message),
    now: deps.now,
    expiresAt,
  });
  return { wallet: input.wallet, nonce, message, expires_at: new Date(expiresAt).toISOString() };
}

function refuse(reason: string, message: string): ApiError {
  return new ApiError("invalid_credentials", message, { details: { reason } });
}

/**
 * Wallet sign-in: the message must be the one issued for this wallet, its nonce unused and
 * unexpired, and the ed25519 signature valid for the wallet's key. The nonce is consumed
 * atomically; a wallet's first sign-in creates a `developer` account.
 */
export async function walletSignIn(
  deps: AuthDeps,
  input: { wallet: string; message: string; signature: string },
): Promise<TokenPair> {
  const fail = (reason: string, message: string) => {
    deps.audit({ event: "auth.login_failed", account_id: null, details: { reason, method: "wallet" } });
    return refuse(reason, message);
  };
  const nonce = readNonce(input.message);
  const row = nonce ? await findWalletNonce(deps.db, nonce) : null;
  if (!nonce || !row) throw fail("unknown_nonce", "This sign-in message was not issued by this service.");
  const messageHash = await sha256Hex(input.message);
  if (!timingSafeEqual(row.wallet, input.wallet) || !timingSafeEqual(row.message_hash, messageHash)) {
    throw fail("message_mismatch", "This sign-in message was not issued for this wallet.");
  }
  if (row.consumed_at !== null) throw fail("nonce_used", "This sign-in nonce was already used; request a new one.");
  if (row.expires_at <= deps.now) throw fail("nonce_expired", "This sign-in nonce has expired; request a new one.");
  if (!(await verifySolanaSignature(input.wallet, input.message, input.signature))) {
    throw fail("bad_signature", "The signature does not verify for this wallet.");
  }
  // The signature is checked before the nonce is burnt, so a forged request cannot spend a
  // legitimate user's nonce; the conditional UPDATE then lets exactly one sign-in through.
  if (!(await consumeWalletNonce(deps.db, { nonce, wallet: input.wallet, messageHash, now: deps.now }))) {
    throw fail("nonce_used", "This sign-in nonce was already used; request a new one.");
  }

  const { user, created } = await findOrCreateWalletUser(deps.db, input.wallet, newId("usr"), deps.now);
  if (created) {
    deps.audit({ event: "auth.register", account_id: user.id, details: { role: user.role, method: "wallet" } });
  }
  const { tokens, sessionId } = await startSession(deps, user, "wallet", { nonce });
  deps.audit({
    event: "auth.wallet_login",
    account_id: user.id,
    details: { wallet: user.wallet, session_id: sessionId },
  });
  return tokens;
}
