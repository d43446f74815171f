/** The callers of the attack matrix: accounts of each role, their API keys, and one request function. */
import { call } from "../helpers";
import { account, createKey, type Issued, signedHeaders } from "../key-helpers";

/** Every scope a trader holds (API.md "Roles and scopes"). */
export const TRADER_SCOPES = [
  "read:market",
  "read:analysis",
  "read:tokens",
  "read:portfolio",
  "write:trading",
  "write:monitor",
  "read:audit",
];

/** A caller: JWT headers, or an API key that signs every request it makes. */
export type Caller =
  | { kind: "jwt"; label: string; userId: string; headers: Record<string, string> }
  | { kind: "key"; label: string; userId: string; key: Issued }
  | { kind: "anonymous"; label: string };

/** A fresh account of `role` as a JWT caller. */
export async function jwtCaller(
  role: "developer" | "trader" | "admin",
  label: string = role,
): Promise<Caller & { kind: "jwt" }> {
  const { userId, headers } = await account(role);
  return { kind: "jwt", label, userId, headers };
}

/** An API key of `owner` with `scopes` (created with the owner's JWT). */
export async function keyCaller(owner: Caller & { kind: "jwt" }, scopes: string[], label: string): Promise<Caller> {
  const key = await createKey(owner.headers, { name: label, scopes });
  return { kind: "key", label, userId: owner.userId, key };
}

export const ANONYMOUS: Caller = { kind: "anonymous", label: "anonymous" };

/**
 * Sends `method path` with an optional JSON body as `caller`. API-key callers sign every request
 * (harmless where signing is not required), so a refusal is never just a missing signature.
 */
export async function send(
  caller: Caller,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<Response> {
  const raw = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = { ...(raw ? { "content-type": "application/json" } : {}), ...extra };
  if (caller.kind === "jwt") Object.assign(headers, caller.headers);
  if (caller.kind === "key") Object.assign(headers, await signedHeaders(caller.key, method, path, raw));
  return call(path, { method, headers, ...(raw ? { body: raw } : {}) });
}
