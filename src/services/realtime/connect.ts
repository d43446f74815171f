/**
 * Opening a WebSocket: forwards the upgrade to the room of the caller's account, which accepts
 * the socket (hibernatable) or refuses it when the account is at its connection cap.
 */
import { getConfig } from "../../config";
import { ApiError } from "../../errors";
import type { Principal } from "../../types";
import type { Endpoint } from "./protocol";
import { roomIndexFor, roomStub } from "./rooms";
import { SEED_HEADER, seedFor } from "./seed";

/** Seconds a client at its connection cap is told to wait before trying again. */
export const CAP_RETRY_AFTER_SECONDS = 5;

/**
 * Returns the room's 101 response carrying the client end of the socket. Throws 429
 * `rate_limit_exceeded` (details.reason `connection_limit`) when the account already holds
 * `WS_MAX_CONNECTIONS_PER_ACCOUNT` sockets across both endpoints.
 * @example return openStream(env, { principal, endpoint: "market", expiresAt: null })
 */
export async function openStream(
  env: Env,
  input: { principal: Principal; endpoint: Endpoint; expiresAt: number | null; ip?: string | null },
): Promise<Response> {
  const room = roomStub(env, roomIndexFor(input.principal.user_id, getConfig(env).WS_ROOM_SHARDS));
  // Only what the room needs: no credential, no client header travels on.
  const headers = new Headers({
    Upgrade: "websocket",
    [SEED_HEADER]: JSON.stringify(seedFor(input.principal, input.endpoint, input.expiresAt, input.ip ?? null)),
  });
  const res = await room.fetch("https://stream-room.internal/connect", { headers });
  if (res.status === 101 && res.webSocket) return res;
  if (res.status === 429) {
    const { limit } = (await res.json()) as { limit: number };
    throw new ApiError(
      "rate_limit_exceeded",
      `This account already has ${limit} open WebSocket connections (the limit); close one before opening another.`,
      {
        details: { reason: "connection_limit", limit },
        headers: { "Retry-After": String(CAP_RETRY_AFTER_SECONDS) },
      },
    );
  }
  throw new Error(`the stream room refused the upgrade with status ${res.status}`);
}
