/**
 * Which room holds a connection. Rooms are sharded by account: every socket of one account
 * lives in the same room, so the per-account connection cap is a check inside one object, and
 * a publish reaches every room once, each fanning out to its own sockets.
 */
import type { Endpoint } from "./protocol";

/** FNV-1a, 32 bits: a stable, well-spread hash of an account id (ids are server-made, not chosen by callers). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The room (0 … shards-1) that holds every socket of this account. */
export function roomIndexFor(accountId: string, shards: number): number {
  return fnv1a(accountId) % shards;
}

/** The Durable Object name of room `index`. */
export function roomName(index: number): string {
  return `stream-room-${index}`;
}

/** The stub of room `index`. */
export function roomStub(env: Env, index: number) {
  return env.ROOMS.get(env.ROOMS.idFromName(roomName(index)));
}

/** Socket tags: the endpoint it was opened on, and its account (hibernation keeps tags). */
export const endpointTag = (endpoint: Endpoint) => `endpoint:${endpoint}`;
export const accountTag = (accountId: string) => `account:${accountId}`;
