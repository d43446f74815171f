import { activeBlocks } from "../../db/ip-blocks";
import { type IpRange, ipInRange, normalizeIpRange, parseIp, parseIpRange } from "../../lib/ip";
import { logger } from "../../lib/log";

/**
 * The IP block list as each isolate sees it, without a D1 query per request.
 *
 * The active blocks are loaded at most every CACHE_TTL_MS (4 s), so a block added or removed
 * anywhere takes effect everywhere within 4 s plus one D1 read (inside the contract's 5 s); the
 * isolate that changed the list drops its copy at once. Concurrent requests share one load.
 * Exact addresses sit in a map (one lookup); ranges are scanned (admins add few). Expiries are
 * checked per request, so a block ends on time even inside a cached copy. No request awaits
 * another's load (src/lib/wait.ts): the request that finds the copy stale reloads it, and while
 * that reload is under way (at most REFRESH_LEASE_MS) the others keep using the stale copy; an
 * isolate without any copy reads for each request until one lands. When D1 cannot be
 * read the last copy keeps being used (fail open on an outage, logged), since refusing every
 * request would turn a storage hiccup into a full outage.
 */
export const CACHE_TTL_MS = 4000;
/** Most blocks held in memory; more are logged and the newest ignored (about 100 bytes each). */
export const MAX_BLOCKS = 50_000;

interface BlockList {
  loadedAt: number;
  exact: Map<string, number | null>;
  ranges: Array<{ range: IpRange; expiresAt: number | null }>;
}

/** How long other requests keep using a stale copy while one request reloads it. */
export const REFRESH_LEASE_MS = 1000;

let current: BlockList | null = null;
/** When a request started reloading the stale copy (null: none is). */
let refreshingSince: number | null = null;
let generation = 0;

/** Builds the in-memory list from rows (pure). */
export function buildBlockList(rows: Array<{ ip: string; expires_at: number | null }>, loadedAt: number): BlockList {
  const list: BlockList = { loadedAt, exact: new Map(), ranges: [] };
  for (const row of rows) {
    const range = parseIpRange(row.ip);
    if (!range) continue;
    const full = range.prefix === (range.kind === "ipv4" ? 32 : 128);
    if (full) {
      const previous = list.exact.get(range.normalized);
      // Two blocks on one address: the longer one wins (null = until removed).
      const longest =
        previous === undefined
          ? row.expires_at
          : previous === null || row.expires_at === null
            ? null
            : Math.max(previous, row.expires_at);
      list.exact.set(range.normalized, longest);
    } else {
      list.ranges.push({ range, expiresAt: row.expires_at });
    }
  }
  return list;
}

/** Whether `ip` is blocked by `list` at `now` (pure). */
export function matchBlockList(list: BlockList, ip: string, now: number): boolean {
  const address = parseIp(ip);
  if (!address) return false;
  const expiresAt = list.exact.get(normalizeIpRange(ip) ?? "");
  if (expiresAt !== undefined && (expiresAt === null || expiresAt > now)) return true;
  return list.ranges.some(
    ({ range, expiresAt }) => (expiresAt === null || expiresAt > now) && ipInRange(address, range),
  );
}

async function load(db: D1Database, now: number): Promise<BlockList> {
  const loadedGeneration = generation;
  const rows = await activeBlocks(db, now, MAX_BLOCKS + 1);
  if (rows.length > MAX_BLOCKS) logger.error("ip_block_list_truncated", { limit: MAX_BLOCKS });
  const list = buildBlockList(rows.slice(0, MAX_BLOCKS), now);
  // A change made in this isolate during the read makes this answer stale: do not keep it.
  if (loadedGeneration === generation) current = list;
  return list;
}

/** Whether requests from `ip` are refused with `ip_blocked`. */
export async function isIpBlocked(db: D1Database, ip: string, now = Date.now()): Promise<boolean> {
  if (!ip || ip === "unknown") return false;
  let list = current;
  if (!list || now - list.loadedAt >= CACHE_TTL_MS) {
    const reloading = list !== null && refreshingSince !== null && now - refreshingSince < REFRESH_LEASE_MS;
    if (!reloading) {
      refreshingSince = now;
      try {
        list = await load(db, now);
      } catch (err) {
        logger.error("ip_block_list_unavailable", { error: err instanceof Error ? err.message : String(err) });
        if (!list) return false;
      } finally {
        refreshingSince = null;
      }
    }
  }
  return matchBlockList(list as BlockList, ip, now);
}

/** Drops this isolate's copy at once (after a block is added or removed here). */
export function invalidateBlockList(): void {
  generation += 1;
  current = null;
  refreshingSince = null;
}
