/**
 * The secrets of an API key: the key itself (`pk_…`, stored only as its SHA-256) and the
 * signing secret (`sk_…`, stored AES-256-GCM encrypted), both from the CSPRNG and shown once.
 */
import bs58 from "bs58";
import { randomBytes, sha256Hex, toHex } from "../../lib/crypto";

/** Random bytes in a key or secret: 256 bits, far beyond guessing. */
export const KEY_BYTES = 32;
/** Characters of the key kept in clear (`pk_` + 8) so owners can tell their keys apart. */
export const PREFIX_LENGTH = 11;

// base58 of 32 bytes is 32-44 characters (leading zero bytes shorten it); anything else is no key.
const KEY_SHAPE = /^pk_[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/** A new API key with the hash and prefix that are stored in its place. */
export async function generateApiKey(): Promise<{ key: string; hash: string; prefix: string }> {
  const key = `pk_${bs58.encode(randomBytes(KEY_BYTES))}`;
  return { key, hash: await hashApiKey(key), prefix: key.slice(0, PREFIX_LENGTH) };
}

/** SHA-256 hex of a presented key: the only form in which keys are stored or looked up. */
export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** True when `value` has the shape of a key this service issues (checked before any lookup). */
export function looksLikeApiKey(value: string): boolean {
  return KEY_SHAPE.test(value);
}

/** A new signing secret; its UTF-8 bytes (the whole string) are the HMAC-SHA256 key. */
export function generateSigningSecret(): string {
  return `sk_${bs58.encode(randomBytes(KEY_BYTES))}`;
}

/** A new key id, e.g. `key_3f1c2a9e6b1d4f7a9a572f0d`. */
export function newKeyId(): string {
  return `key_${toHex(randomBytes(12))}`;
}

/** Imports a signing secret as a non-extractable HMAC-SHA256 key. */
export function importSigningKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}
