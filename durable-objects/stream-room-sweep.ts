import { activeSessionIds } from "../src/db/sessions";
import { logger } from "../src/lib/log";
import { CLOSE_CODES, IDLE_TIMEOUT_MS } from "../src/services/realtime/protocol";
import type { Subscriber } from "../src/services/realtime/subscriptions";

/** A socket the sweep decided to close, and how. */
export interface Closure {
  ws: WebSocket;
  code: number;
  reason: string;
}

/**
 * Finds the sockets of a room to close at `now`: silent for longer than `IDLE_TIMEOUT_MS` (a
 * `ping` answered by the runtime while the object slept counts as activity), past their
 * credential's expiry, or opened with a JWT whose session has since been revoked (logout,
 * refresh-token reuse; one D1 query for all of them). A failed session check keeps the sockets
 * until the next sweep.
 */
export async function sweep(db: D1Database, ctx: DurableObjectState, now: number): Promise<Closure[]> {
  const closures: Closure[] = [];
  const bySession = new Map<string, WebSocket[]>();
  for (const ws of ctx.getWebSockets()) {
    const subscriber = ws.deserializeAttachment() as Subscriber | null;
    if (!subscriber) continue;
    const pinged = ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
    if (now - Math.max(subscriber.last_seen, pinged) > IDLE_TIMEOUT_MS) {
      closures.push({ ws, code: CLOSE_CODES.idle, reason: "No message or ping for 40 s." });
    } else if (subscriber.expires_at !== null && now >= subscriber.expires_at) {
      closures.push({ ws, code: CLOSE_CODES.credentialEnded, reason: "The credential expired; reconnect." });
    } else if (subscriber.session_id !== null) {
      const sockets = bySession.get(subscriber.session_id);
      if (sockets) sockets.push(ws);
      else bySession.set(subscriber.session_id, [ws]);
    }
  }
  if (bySession.size === 0) return closures;
  let active: Set<string>;
  try {
    active = await activeSessionIds(db, [...bySession.keys()]);
  } catch (err) {
    logger.warn("stream_session_check_failed", { error: err instanceof Error ? err.message : String(err) });
    return closures;
  }
  for (const [session, sockets] of bySession) {
    if (active.has(session)) continue;
    for (const ws of sockets) {
      closures.push({ ws, code: CLOSE_CODES.credentialEnded, reason: "The session was revoked; sign in again." });
    }
  }
  return closures;
}
