/**
 * A minimal Solana JSON-RPC client over fetch. Errors never carry the endpoint URL (providers
 * put API keys in it) and tell rate-limit answers (HTTP 429, JSON-RPC -32005 / 429) apart from
 * other failures, so the pull can stop for the minute instead of hammering.
 */
import { NO_REDIRECTS, readJsonCapped, UpstreamBodyError } from "../../lib/upstream-http";

/** Why an RPC call failed: `rate_limited` stops the whole run; `failed` only this token. */
export class RpcError extends Error {
  constructor(
    message: string,
    readonly kind: "rate_limited" | "failed",
  ) {
    super(message);
    this.name = "RpcError";
  }
}

const RATE_LIMIT_CODES = new Set([-32005, 429]);

/**
 * Calls one JSON-RPC method and returns its `result`.
 * @example await rpcCall<SignatureInfo[]>(url, "getSignaturesForAddress", [mint, { limit: 20 }], 10_000)
 */
export async function rpcCall<T>(url: string, method: string, params: unknown[], timeoutMs: number): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...NO_REDIRECTS,
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    throw new RpcError(`${method}: ${timedOut ? `no answer within ${timeoutMs} ms` : "network error"}`, "failed");
  }
  if (res.status === 429) throw new RpcError(`${method}: rate limited (HTTP 429)`, "rate_limited");
  if (!res.ok) throw new RpcError(`${method}: HTTP ${res.status}`, "failed");
  let body: { result?: T; error?: { code?: unknown; message?: unknown } };
  try {
    body = (await readJsonCapped(res)) as typeof body;
  } catch (err) {
    const tooLarge = err instanceof UpstreamBodyError && err.reason === "too_large";
    throw new RpcError(
      `${method}: ${tooLarge ? "the answer is over the size cap" : "the answer is not JSON"}`,
      "failed",
    );
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new RpcError(`${method}: the answer is not a JSON-RPC object`, "failed");
  }
  if (body.error) {
    const code = typeof body.error.code === "number" ? body.error.code : 0;
    const text = typeof body.error.message === "string" ? body.error.message.slice(0, 200) : "unknown error";
    const limited = RATE_LIMIT_CODES.has(code) || /rate limit|too many requests/i.test(text);
    throw new RpcError(`${method}: JSON-RPC error ${code}: ${text}`, limited ? "rate_limited" : "failed");
  }
  if (!("result" in body)) throw new RpcError(`${method}: the answer has no result`, "failed");
  return body.result as T;
}

/** An entry of `getSignaturesForAddress` (newest first). */
export interface SignatureInfo {
  signature: string;
  slot: number;
  err: unknown;
  blockTime?: number | null;
}
