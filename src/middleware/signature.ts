import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import { timingSafeEqual } from "../lib/crypto";
import { signingKeyOf } from "../services/auth/api-key-auth";
import { checkTimestamp, looksLikeSignature, signRequest } from "../services/keys/signing";
import type { AppEnv } from "../types";

/** Seen signatures are remembered this much longer than the window, to absorb clock differences. */
const REPLAY_MARGIN_MS = 5_000;

const SIGNING_HEADERS = ["X-API-Key", "X-API-Timestamp", "X-API-Signature"];

/**
 * Requires HMAC request signing from API-key callers (JWT callers pass untouched): checks
 * `X-API-Timestamp` against ± `SIGNATURE_WINDOW_SECONDS` (`signature_expired`), the
 * `X-API-Signature` over timestamp + METHOD + path_with_query + raw body in constant time
 * (`invalid_signature`), then claims the signature in the key's Durable Object, which admits
 * each signature once while it could still be valid (`replayed_request`), so of two identical
 * concurrent requests exactly one passes. The raw body is read once and stays readable for the
 * route's JSON validator. Mount after `requireScope` so unauthorised calls fail cheaply first.
 * @example createRoute({ ..., middleware: [requireScope("write:trading"), requireSignature()] })
 */
export function requireSignature(): MiddlewareHandler<AppEnv> {
  return async function requireSignatureMiddleware(c, next) {
    const principal = c.get("principal");
    if (principal?.kind !== "api_key" || !principal.key_id) return next();
    const config = c.get("config");
    const timestamp = c.req.header("x-api-timestamp")?.trim();
    const signature = c.req.header("x-api-signature")?.trim().toLowerCase();
    if (!timestamp || !signature) {
      throw new ApiError(
        "invalid_signature",
        "This operation must be signed: send X-API-Timestamp and X-API-Signature with the API key.",
        { details: { required_headers: SIGNING_HEADERS } },
      );
    }
    const now = Date.now();
    const time = checkTimestamp(timestamp, now, config.SIGNATURE_WINDOW_SECONDS);
    if (!time.ok && time.reason === "malformed") {
      throw new ApiError("invalid_signature", "X-API-Timestamp must be epoch milliseconds.");
    }
    if (!time.ok) {
      throw new ApiError("signature_expired", undefined, {
        details: { server_time: now, window_seconds: config.SIGNATURE_WINDOW_SECONDS },
      });
    }
    const url = new URL(c.req.url);
    const expected = await signRequest(await signingKeyOf(config.ENCRYPTION_KEY, principal), {
      timestamp,
      method: c.req.method,
      pathWithQuery: `${url.pathname}${url.search}`,
      body: new Uint8Array(await c.req.arrayBuffer()),
    });
    // Both sides are 64 characters when the shape is right, so the comparison never short-circuits on length.
    if (!timingSafeEqual(expected, looksLikeSignature(signature) ? signature : "")) {
      throw new ApiError("invalid_signature");
    }
    const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(`key:${principal.key_id}`));
    const fresh = await limiter.claimSignature(
      expected,
      time.ms + config.SIGNATURE_WINDOW_SECONDS * 1000 + REPLAY_MARGIN_MS,
    );
    if (!fresh) throw new ApiError("replayed_request");
    await next();
  };
}
