import { activeKeyIds } from "../src/db/api-keys";
import { activeSessionIds } from "../src/db/sessions";
import { logger } from "../src/lib/log";
import { CLOSE_CODES, IDLE_TIMEOUT_MS } from "../src/services/realtime/protocol";
import type { Subscriber } from "../src/services/realtime/subscriptions";
import { isIpBlocked } from "../src/services/security/block-list";

/** A socket the sweep decided to close, and how. */
export interface Closure {
  ws: WebSocket;
  code: number;
  reason: string;
}

function group(map: Map<string, WebSocket[]>, key: string, ws: WebSocket): void {
  const sockets = map.get(key);
  if (sockets) sockets.push(ws);
  else map.set(key, [ws]);
}

/** The sockets whose credential ids are not in `alive` (a failed lookup keeps them until the next sweep). */
async function ended(
  what: string,
  byId: Map<string, WebSocket[]>,
  lookup: (ids: string[]) => Promise<Set<string>>,
): Promise<WebSocket[]> {
  if (byId.size === 0) return [];
  try {
    const alive = await lookup([...byId.keys()]);
    return [...byId].filter(([id]) => !alive.has(id)).flatMap(([, sockets]) => sockets);
  } catch (err) {
    logger.warn("stream_credential_check_failed", { what, error: err instanceof Error ? err.message : String(err) });
    return [];
  }
}

/**
 * Finds the sockets of a room to close at `now`: silent for longer than `IDLE_TIMEOUT_MS` (a
 * `ping` answered by the runtime while the object slept counts as activity), past their JWT's
 * expiry, opened with a JWT whose session has since been revoked (logout, refresh-token reuse)
 * or with an API key that no longer authenticates (revoked, rotated, suspended, expired), and
 * those whose IP has since been blocked. One D1 batch per kind covers the whole room; the block
 * list is this isolate's cached copy (at most 4 s old), so it costs no query per socket.
 */
export async function sweep(db: D1Database, ctx: DurableObjectState, now: number): Promise<Closure[]> {
  const closures: Closure[] = [];
  const byIp = new Map<string, WebSocket[]>();
  const bySession = new Map<string, WebSocket[]>();
  const byKey = new Map<string, WebSocket[]>();
  for (const ws of ctx.getWebSockets()) {
    const subscriber = ws.deserializeAttachment() as Subscriber | null;
    if (!subscriber) continue;
    const pinged = ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
    if (now - Math.max(subscriber.last_seen, pinged) > IDLE_TIMEOUT_MS) {
      closures.push({ ws, code: CLOSE_CODES.idle, reason: "No message or ping for 40 s." });
    } else if (subscriber.expires_at !== null && now >= subscriber.expires_at) {
      closures.push({ ws, code: CLOSE_CODES.credentialEnded, reason: "The access token expired; reconnect." });
    } else {
      if (subscriber.ip) group(byIp, subscriber.ip, ws);
      if (subscriber.key_id !== null) group(byKey, subscriber.key_id, ws);
      else if (subscriber.session_id !== null) group(bySession, subscriber.session_id, ws);
    }
  }
  const blocked = await ended("ip", byIp, async (ips) => {
    const open = new Set<string>();
    for (const ip of ips) if (!(await isIpBlocked(db, ip, now))) open.add(ip);
    return open;
  });
  const closing = new Set(blocked);
  for (const ws of blocked) {
    closures.push({ ws, code: CLOSE_CODES.ipBlocked, reason: "This IP address is blocked." });
  }
  for (const map of [byKey, bySession]) {
    for (const [id, sockets] of map) {
      const left = sockets.filter((ws) => !closing.has(ws));
      if (left.length === 0) map.delete(id);
      else map.set(id, left);
    }
  }
  const [sessions, keys] = await Promise.all([
    ended("session", bySession, (ids) => activeSessionIds(db, ids)),
    ended("api_key", byKey, (ids) => activeKeyIds(db, ids, now)),
  ]);
  for (const ws of sessions) {
    closures.push({ ws, code: CLOSE_CODES.credentialEnded, reason: "The session was revoked; sign in again." });
  }
  for (const ws of keys) {
    closures.push({ ws, code: CLOSE_CODES.credentialEnded, reason: "The API key no longer authenticates." });
  }
  return closures;
}
