import type { Context } from "hono";
import { ApiError } from "../errors";
import { timingSafeEqual } from "../lib/crypto";
import type { AppEnv } from "../types";

/** The Solana webhook endpoint: it takes the raw `SOLANA_WEBHOOK_SECRET` as `Authorization`. */
export const SOLANA_WEBHOOK_PATH = "/api/v1/ingest/solana";

const BEARER = /^Bearer\s+\S+$/i;

/**
 * Run by `authenticate()` before it reads credentials. On the webhook path, an `Authorization`
 * value equal to `SOLANA_WEBHOOK_SECRET` (constant-time) marks the request as a webhook
 * delivery (`c.get("webhook")`) and returns true. A `Bearer …` value or an `X-API-Key` goes the
 * usual way (false); any other value is a wrong secret: 401 `invalid_credentials`.
 * @example if (authenticateSolanaWebhook(c)) return next();
 */
export function authenticateSolanaWebhook(c: Context<AppEnv>): boolean {
  if (c.req.path !== SOLANA_WEBHOOK_PATH) return false;
  const authorization = c.req.header("authorization");
  if (authorization === undefined || c.req.header("x-api-key") !== undefined) return false;
  const secret = c.get("config").SOLANA_WEBHOOK_SECRET;
  if (secret !== undefined && timingSafeEqual(authorization, secret)) {
    c.set("webhook", "solana");
    return true;
  }
  if (BEARER.test(authorization.trim())) return false;
  throw new ApiError("invalid_credentials", "The webhook secret is not valid.");
}
