/**
 * HMAC request signing for API-key callers (API.md "Authentication" 3), with WebCrypto so it
 * runs in browsers, Node ≥ 20 and Workers alike.
 */

const encoder = new TextEncoder();

/** An imported HMAC key (WebCrypto's `CryptoKey`, named through the API so every runtime's types agree). */
export type SigningKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/**
 * True for the critical operations API.md names: `POST`/`DELETE` under `/api/v1/portfolio` and
 * every key-management call (`/api/v1/keys…`, and the admin's `/api/v1/admin/keys…`).
 */
export function needsSignature(method: string, pathname: string): boolean {
  const upper = method.toUpperCase();
  const under = (prefix: string) => pathname === prefix || pathname.startsWith(`${prefix}/`);
  if (under("/api/v1/keys") || under("/api/v1/admin/keys")) return true;
  return under("/api/v1/portfolio") && (upper === "POST" || upper === "DELETE");
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The HMAC key of an `api_secret` (its UTF-8 bytes, `sk_` included); import once per client. */
export function importSigningKey(secret: string): Promise<SigningKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/**
 * `X-API-Timestamp` and `X-API-Signature` for a request: lowercase hex
 * HMAC-SHA256(secret, timestamp + METHOD + path_with_query + body), over the exact body bytes sent.
 * @example await signatureHeaders(await importSigningKey(secret), "POST", "/api/v1/portfolio/positions", bytes, Date.now())
 */
export async function signatureHeaders(
  key: SigningKey,
  method: string,
  pathWithQuery: string,
  body: Uint8Array | undefined,
  timestamp: number,
): Promise<{ "X-API-Timestamp": string; "X-API-Signature": string }> {
  const stamp = String(Math.round(timestamp));
  const head = encoder.encode(`${stamp}${method.toUpperCase()}${pathWithQuery}`);
  const data = new Uint8Array(head.length + (body?.length ?? 0));
  data.set(head, 0);
  if (body) data.set(body, head.length);
  const signature = await crypto.subtle.sign("HMAC", key, data);
  return { "X-API-Timestamp": stamp, "X-API-Signature": hex(signature) };
}
