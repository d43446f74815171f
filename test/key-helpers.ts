import { call, json, tokenFor } from "./helpers";

/** A key as `POST /api/v1/keys` returns it. */
export interface Issued {
  key_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  tier: string;
  ip_allowlist: string[];
  allowed_countries: string[];
  status: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  rotate_after: string;
  rate_limit: { rate_per_minute: number; burst: number } | null;
  api_key: string;
  api_secret: string;
}

/** A fresh account of `role` with a JWT bearer header (each call is a new, unrelated account). */
export async function account(role: "developer" | "trader" | "admin" = "trader") {
  const userId = `usr_keys_${role}_${crypto.randomUUID().replaceAll("-", "")}`;
  return { userId, headers: { Authorization: `Bearer ${await tokenFor(role, userId)}` } };
}

/** JSON request helper. */
export function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  init: RequestInit = {},
): Promise<Response> {
  return call(path, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...init,
  });
}

/** Creates a key with a JWT (asserting 201) and returns it with its secrets. */
export async function createKey(headers: Record<string, string>, body: Record<string, unknown> = {}): Promise<Issued> {
  const res = await send("POST", "/api/v1/keys", headers, { name: "test key", scopes: ["read:market"], ...body });
  if (res.status !== 201) throw new Error(`create key failed: ${res.status} ${await res.text()}`);
  return json(res);
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The signature a client computes: hex HMAC-SHA256(secret, timestamp + METHOD + path + body). */
export async function sign(
  secret: string,
  timestamp: string,
  method: string,
  path: string,
  body = "",
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}${method}${path}${body}`)));
}

/** Headers of a signed API-key request (timestamp defaults to now). */
export async function signedHeaders(
  key: { api_key: string; api_secret: string },
  method: string,
  path: string,
  body = "",
  timestamp = String(Date.now()),
): Promise<Record<string, string>> {
  return {
    "X-API-Key": key.api_key,
    "X-API-Timestamp": timestamp,
    "X-API-Signature": await sign(key.api_secret, timestamp, method, path, body),
  };
}

/** A signed JSON request made with an API key. */
export async function signedSend(
  key: { api_key: string; api_secret: string },
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<Response> {
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = { ...(await signedHeaders(key, method, path, text)), ...extra };
  return call(path, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: text }),
  });
}
