/**
 * HMAC request signing (API.md "Authentication" 3): `X-API-Signature` = lowercase hex
 * HMAC-SHA256(api_secret, timestamp + METHOD + path_with_query + raw_body).
 */
import { toHex } from "../../lib/crypto";

const encoder = new TextEncoder();
const TIMESTAMP = /^\d{1,16}$/;
const SIGNATURE = /^[0-9a-fA-F]{64}$/;

/** The signed bytes: the raw body is appended as sent, never re-encoded. */
export function stringToSign(timestamp: string, method: string, pathWithQuery: string, body: Uint8Array): Uint8Array {
  const head = encoder.encode(`${timestamp}${method.toUpperCase()}${pathWithQuery}`);
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

/** The signature of a request, as a client computes it. */
export async function signRequest(
  key: CryptoKey,
  request: { timestamp: string; method: string; pathWithQuery: string; body: Uint8Array },
): Promise<string> {
  const data = stringToSign(request.timestamp, request.method, request.pathWithQuery, request.body);
  return toHex(await crypto.subtle.sign("HMAC", key, data));
}

/** Reads `X-API-Timestamp` (epoch ms) and places it against the allowed window. */
export function checkTimestamp(
  value: string,
  now: number,
  windowSeconds: number,
): { ok: true; ms: number } | { ok: false; reason: "malformed" | "expired" } {
  if (!TIMESTAMP.test(value)) return { ok: false, reason: "malformed" };
  const ms = Number(value);
  if (Math.abs(now - ms) > windowSeconds * 1000) return { ok: false, reason: "expired" };
  return { ok: true, ms };
}

/** True when `value` has the shape of a signature (64 hex digits); compared afterwards in constant time. */
export function looksLikeSignature(value: string): boolean {
  return SIGNATURE.test(value);
}
