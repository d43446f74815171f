import { readSessionStatus } from "../../db/sessions";

/**
 * The access-token revocation check, without a D1 query per request.
 *
 * Each isolate remembers, per session id, whether the session was alive when last read:
 * - "active" answers are trusted for ACTIVE_TTL_MS (4 s), so a revocation made anywhere is seen
 *   everywhere within 4 s plus one D1 round trip — inside the contract's 5 s;
 * - "revoked" answers are permanent (a revoked family never comes back) and are set at once in
 *   the isolate that revokes;
 * - at most MAX_ENTRIES (10,000) ids are kept, least recently checked evicted first, so memory
 *   stays bounded (~1 MB) however many sessions call; an evicted id just costs one more read.
 * Concurrent checks of one id share a single read.
 */
export const ACTIVE_TTL_MS = 4_000;
export const MAX_ENTRIES = 10_000;

interface Entry {
  status: "active" | "revoked";
  /** When the read that produced an "active" answer started; the staleness bound counts from it. */
  checkedAt: number;
}

const entries = new Map<string, Entry>();

function remember(sessionId: string, entry: Entry): void {
  entries.delete(sessionId);
  entries.set(sessionId, entry);
  while (entries.size > MAX_ENTRIES) {
    const oldest = entries.keys().next().value;
    if (oldest === undefined) break;
    entries.delete(oldest);
  }
}

/**
 * Whether a session (token family) is still alive, from the isolate cache when fresh enough.
 * A session that does not exist counts as revoked.
 */
export async function sessionStatus(
  db: D1Database,
  sessionId: string,
  now = Date.now(),
): Promise<"active" | "revoked"> {
  const cached = entries.get(sessionId);
  if (cached && (cached.status === "revoked" || now - cached.checkedAt < ACTIVE_TTL_MS)) {
    // Refresh its place in the LRU order.
    remember(sessionId, cached);
    return cached.status;
  }
  // Each request reads for itself (never another request's in-flight read: src/lib/wait.ts).
  const status = await readSessionStatus(db, sessionId);
  // A revocation made in this isolate while the read was in flight wins over its answer.
  if (entries.get(sessionId)?.status === "revoked") return "revoked";
  remember(sessionId, { status, checkedAt: now });
  return status;
}

/** Marks a session revoked in this isolate at once (the revoking request's isolate). */
export function markSessionRevoked(sessionId: string): void {
  remember(sessionId, { status: "revoked", checkedAt: 0 });
}

/** How many session ids this isolate currently remembers (for tests of the bound). */
export function cachedSessionCount(): number {
  return entries.size;
}
