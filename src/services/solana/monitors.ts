/** Token monitoring per account: start (or re-time), list, stop. */
import { countMonitors, deleteMonitor, listMonitorRows, monitoredBy, upsertMonitors } from "../../db/solana-monitors";
import { ApiError } from "../../errors";
import { randomToken } from "../../lib/crypto";
import { decodeCursor, encodeCursor } from "./cursor";

/** Most tokens one account may monitor. */
export const MAX_MONITORS_PER_ACCOUNT = 1000;

/** A monitor as `GET /monitor` lists it. */
export interface Monitor {
  monitoring_id: string;
  token_address: string;
  update_interval: number;
  status: "monitoring";
  created_at: string;
  updated_at: string;
  last_scan_at: string | null;
  next_scan_at: string | null;
}

const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());

/**
 * Starts monitoring tokens for an account. A token the account monitors already keeps its
 * monitoring id and takes the new interval. Returns one id per address, in request order.
 * @example await startMonitoring(env.DB, "usr_1", ["EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"], 300)
 */
export async function startMonitoring(
  db: D1Database,
  accountId: string,
  addresses: readonly string[],
  updateInterval: number,
  now = Date.now(),
): Promise<{ monitoring_ids: string[]; created: string[] }> {
  const unique = [...new Set(addresses)];
  const [count, existing] = await Promise.all([countMonitors(db, accountId), monitoredBy(db, accountId, unique)]);
  const created = unique.filter((a) => !existing.has(a));
  if (count + created.length > MAX_MONITORS_PER_ACCOUNT) {
    const message = `An account may monitor at most ${MAX_MONITORS_PER_ACCOUNT} tokens; it monitors ${count}.`;
    throw new ApiError("validation_error", `body.token_addresses: ${message}`, {
      details: {
        issues: [{ path: "body.token_addresses", message }],
        limit: MAX_MONITORS_PER_ACCOUNT,
        monitored: count,
      },
    });
  }
  const ids = await upsertMonitors(
    db,
    {
      account_id: accountId,
      tokens: unique.map((token_address) => ({ id: `mon_${randomToken(12)}`, token_address })),
      update_interval: updateInterval,
    },
    now,
  );
  return { monitoring_ids: addresses.map((a) => ids.get(a) as string), created };
}

/** One page of the account's monitors, oldest first. */
export async function listMonitors(
  db: D1Database,
  accountId: string,
  options: { limit: number; cursor?: string },
): Promise<{ monitors: Monitor[]; next_cursor: string | null }> {
  const after = options.cursor === undefined ? undefined : decodeCursor("mon", options.cursor);
  const rows = await listMonitorRows(db, accountId, {
    after: after && { created_at: after.time, id: after.id },
    limit: options.limit + 1,
  });
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    monitors: page.map((r) => ({
      monitoring_id: r.id,
      token_address: r.token_address,
      update_interval: r.update_interval,
      status: "monitoring",
      created_at: new Date(r.created_at).toISOString(),
      updated_at: new Date(r.updated_at).toISOString(),
      last_scan_at: iso(r.last_scan_at),
      next_scan_at: iso(r.next_scan_at),
    })),
    next_cursor: rows.length > options.limit && last ? encodeCursor("mon", [last.created_at, last.id]) : null,
  };
}

/** Stops one of the account's monitors; 404 `not_found` for anyone else's or an unknown id. */
export async function stopMonitoring(
  db: D1Database,
  accountId: string,
  monitoringId: string,
): Promise<{ token_address: string; update_interval: number }> {
  const stopped = await deleteMonitor(db, accountId, monitoringId);
  if (!stopped) throw new ApiError("not_found", "No such monitoring id.");
  return stopped;
}
