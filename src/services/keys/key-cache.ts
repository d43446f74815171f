/**
 * The API-key lookup behind every key-authenticated request, without a D1 query per request.
 *
 * Each isolate remembers, per key hash, what D1 said about the key:
 * - live answers (active, suspended, unknown) are trusted for TTL_MS (4 s), so a revocation,
 *   rotation, suspension or limit change made anywhere is seen everywhere within 4 s plus one D1
 *   read — inside the contract's 5 s;
 * - revoked answers are kept for good (a revoked key never comes back);
 * - the isolate that changes a key forgets it at once, so there the change is immediate;
 * - at most MAX_ENTRIES (10,000) hashes are kept, least recently used evicted first (a few MB);
 * - concurrent lookups of one hash share one D1 read.
 * Unknown hashes are cached too: a key that does not exist yet cannot have been presented
 * before it was issued (its 256 random bits cannot be guessed), so this never delays a new key.
 */
import { type ApiKeyAuthRow, findKeyByHash } from "../../db/api-keys";
import { type IpRange, parseIpRange } from "../../lib/ip";
import { LruMap } from "../../lib/lru";
import type { Role, Scope } from "../../types";
import type { KeyTier } from "./policy";

export const TTL_MS = 4_000;
export const MAX_ENTRIES = 10_000;

/** What authentication needs to know about a key. */
export interface AuthKey {
  id: string;
  user_id: string;
  owner_role: Role;
  name: string;
  scopes: Scope[];
  tier: KeyTier;
  ip_ranges: IpRange[];
  allowed_countries: string[];
  rate_limit: { rate_per_minute: number; burst: number } | null;
  status: "active" | "suspended" | "revoked";
  expires_at: number | null;
  secret_sealed: string;
  /** The decrypted signing secret as a non-extractable HMAC key, imported on first use. */
  signingKey?: Promise<CryptoKey>;
}

interface Entry {
  key: AuthKey | null;
  /** When the read that produced this answer started. */
  checkedAt: number;
}

const hashById = new Map<string, string>();
const entries = new LruMap<string, Entry>(MAX_ENTRIES, (_hash, evicted) => {
  if (evicted.key) hashById.delete(evicted.key.id);
});
/** Bumped by every invalidation, so a read that raced with one does not cache its stale answer. */
let generation = 0;

function toAuthKey(row: ApiKeyAuthRow): AuthKey {
  const list = (text: string) => JSON.parse(text) as string[];
  return {
    id: row.id,
    user_id: row.user_id,
    owner_role: row.owner_role,
    name: row.name,
    scopes: list(row.scopes) as Scope[],
    tier: row.tier,
    ip_ranges: list(row.ip_allowlist)
      .map(parseIpRange)
      .filter((r): r is IpRange => r !== null),
    allowed_countries: list(row.allowed_countries),
    rate_limit:
      row.rate_per_minute !== null && row.burst !== null
        ? { rate_per_minute: row.rate_per_minute, burst: row.burst }
        : null,
    status: row.status,
    expires_at: row.expires_at,
    secret_sealed: row.secret_sealed,
  };
}

function remember(hash: string, entry: Entry): void {
  entries.set(hash, entry);
  if (entry.key) hashById.set(entry.key.id, hash);
}

/** The key whose SHA-256 is `hash`, from this isolate's cache when fresh enough, else from D1. */
export async function lookupKey(db: D1Database, hash: string, now = Date.now()): Promise<AuthKey | null> {
  const cached = entries.get(hash);
  if (cached && (cached.key?.status === "revoked" || now - cached.checkedAt < TTL_MS)) return cached.key;
  // Each request reads for itself: awaiting a read another request started would tie this one to
  // that request's I/O context (src/lib/wait.ts).
  const startedAt = generation;
  const row = await findKeyByHash(db, hash);
  const key = row ? toAuthKey(row) : null;
  // Keep the imported signing key of an unchanged secret (rotation makes a new hash).
  if (key && cached?.key?.signingKey && cached.key.secret_sealed === key.secret_sealed) {
    key.signingKey = cached.key.signingKey;
  }
  if (generation === startedAt) remember(hash, { key, checkedAt: now });
  return key;
}

/** Forgets a key in this isolate at once (after this isolate revoked, rotated or changed it). */
export function forgetKey(keyId: string): void {
  // Reads already under way may predate the change: their answers must not be cached.
  generation++;
  const hash = hashById.get(keyId);
  if (hash !== undefined) {
    entries.delete(hash);
    hashById.delete(keyId);
  }
}

/** A cached key by id, if this isolate holds one (used to reuse its imported signing key). */
export function cachedKeyById(keyId: string): AuthKey | null {
  const hash = hashById.get(keyId);
  return hash === undefined ? null : (entries.peek(hash)?.key ?? null);
}

/** How many hashes this isolate remembers (for tests of the bound). */
export function cachedKeyCount(): number {
  return entries.size;
}
