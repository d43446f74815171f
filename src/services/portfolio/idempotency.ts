/**
 * `Idempotency-Key` for trading writes: a completed write is remembered per account, operation
 * and key for 24 hours as (hash of the request, status, response). The same key with the same
 * request gets that response again; with a different request, 409 `conflict`. Refused requests
 * (4xx) change nothing and are not remembered, so they may be retried with the same key.
 */
import { type IdempotentOperation, readIdempotency } from "../../db/portfolio-idempotency";
import { ApiError } from "../../errors";
import { sha256Hex } from "../../lib/crypto";

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** 1-255 printable ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** A key and the hash of the request it came with. */
export interface IdempotencyClaim {
  key: string;
  request_hash: string;
}

/** A stored or fresh outcome of a trading write. */
export interface TradeOutcome<T> {
  status: 200 | 201;
  body: T;
  /** True when this is a stored response sent again for a repeated key. */
  replayed: boolean;
}

/**
 * The hash a request is recognised by: SHA-256 of its operation and canonical fields (parsed
 * values in a fixed order), so the same request spelled with other whitespace or key order,
 * or leverage 2 as "2", is the same request. Only the hash is stored, never the body.
 */
export async function requestHash(operation: IdempotentOperation, fields: Record<string, unknown>): Promise<string> {
  const canonical = Object.keys(fields)
    .sort()
    .map((name) => [name, fields[name]]);
  return sha256Hex(JSON.stringify([operation, canonical]));
}

/**
 * The stored outcome for this key, if it is live and was made with the same request; 409
 * `conflict` if it was made with another request; null if the key is new (or expired).
 */
export async function storedOutcome<T>(
  db: D1Database,
  accountId: string,
  operation: IdempotentOperation,
  claim: IdempotencyClaim,
  now: number,
): Promise<TradeOutcome<T> | null> {
  const row = await readIdempotency(db, { account_id: accountId, operation, idempotency_key: claim.key }, now);
  if (!row) return null;
  if (row.request_hash !== claim.request_hash) {
    throw new ApiError("conflict", "This Idempotency-Key was already used with a different request.", {
      details: { reason: "idempotency_key_reused" },
    });
  }
  return { status: row.status as 200 | 201, body: JSON.parse(row.response) as T, replayed: true };
}
