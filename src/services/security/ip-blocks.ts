import { deleteIpBlock, type IpBlockRow, insertIpBlock, listActiveBlocks } from "../../db/ip-blocks";
import { ApiError } from "../../errors";
import { toHex } from "../../lib/crypto";
import { ipInRange, parseIp, parseIpRange } from "../../lib/ip";
import { decodeCursor, encodeCursor } from "../../lib/keyset-cursor";
import { invalidateBlockList } from "./block-list";

/** Narrowest ranges an admin may block at once: wider ones would cut off whole networks. */
export const MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

/** A block as the API shows it. */
export interface IpBlock {
  block_id: string;
  ip: string;
  reason: string | null;
  source: "manual" | "automatic";
  created_at: string;
  expires_at: string | null;
}

/** The API shape of a stored block. */
export function toIpBlock(row: IpBlockRow): IpBlock {
  return {
    block_id: row.id,
    ip: row.ip,
    reason: row.reason,
    source: row.source,
    created_at: new Date(row.created_at).toISOString(),
    expires_at: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
  };
}

function invalid(path: string, message: string): ApiError {
  return new ApiError("validation_error", `${path}: ${message}`, { details: { issues: [{ path, message }] } });
}

/**
 * Blocks an address or CIDR range. Manual blocks refuse ranges wider than /8 (IPv4) or /16
 * (IPv6) and any range that holds the admin's own IP (an admin cannot lock themselves out). An
 * address already actively blocked answers 409 `conflict` with the existing block's id.
 */
export async function addIpBlock(
  db: D1Database,
  input: {
    ip: string;
    reason?: string | null;
    expiresInSeconds?: number | null;
    source: "manual" | "automatic";
    createdBy?: string | null;
    callerIp?: string | null;
    now: number;
  },
): Promise<{ created: boolean; block: IpBlock }> {
  const range = parseIpRange(input.ip);
  if (!range) throw invalid("body.ip", "must be an IPv4/IPv6 address or CIDR range");
  if (range.prefix < MIN_PREFIX[range.kind]) {
    throw invalid("body.ip", `ranges wider than /${MIN_PREFIX[range.kind]} cannot be blocked`);
  }
  const caller = input.callerIp ? parseIp(input.callerIp) : null;
  if (input.source === "manual" && caller && ipInRange(caller, range)) {
    throw invalid("body.ip", "this would block your own IP address");
  }
  const row: IpBlockRow = {
    id: `blk_${toHex(crypto.getRandomValues(new Uint8Array(12)))}`,
    ip: range.normalized,
    reason: input.reason ?? null,
    source: input.source,
    created_at: input.now,
    expires_at: input.expiresInSeconds ? input.now + input.expiresInSeconds * 1000 : null,
    created_by: input.createdBy ?? null,
  };
  const result = await insertIpBlock(db, row);
  if (result.created) invalidateBlockList();
  return { created: result.created, block: toIpBlock(result.block) };
}

/** Removes a block; 404 `not_found` when there is none with this id. */
export async function removeIpBlock(db: D1Database, blockId: string): Promise<IpBlock> {
  const row = await deleteIpBlock(db, blockId);
  if (!row) throw new ApiError("not_found", "No IP block with this id.");
  invalidateBlockList();
  return toIpBlock(row);
}

/** One page of active blocks (manual and automatic), newest first. */
export async function listIpBlocks(
  db: D1Database,
  q: { limit: number; cursor?: string; now: number },
): Promise<{ blocks: IpBlock[]; next_cursor: string | null }> {
  const before = q.cursor ? decodeCursor(q.cursor, { t: "number", id: "string" }) : undefined;
  const rows = await listActiveBlocks(db, {
    now: q.now,
    limit: q.limit + 1,
    ...(before ? { before: { created_at: before.t, id: before.id } } : {}),
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    blocks: page.map(toIpBlock),
    next_cursor: rows.length > q.limit && last ? encodeCursor({ t: last.created_at, id: last.id }) : null,
  };
}
