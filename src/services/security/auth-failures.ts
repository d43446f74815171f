import type { ErrorCode } from "../../errors";
import { parseIpRange } from "../../lib/ip";
import { logger } from "../../lib/log";
import { storeSecurityEvent } from "../audit/security-events";
import { ipSubject } from "../ratelimit/subject";
import { addIpBlock } from "./ip-blocks";

/** Failures from one IP inside FAILURE_WINDOW_MS that block it (API.md "Passwords"). */
export const FAILURE_THRESHOLD = 20;
export const FAILURE_WINDOW_MS = 5 * 60 * 1000;
/** How long an automatic block lasts. */
export const AUTO_BLOCK_SECONDS = 15 * 60;

/**
 * The 401s that count as failed authentication: a credential, token, key or signature was
 * presented and was wrong. Not counted:
 * - `unauthorized`: nothing was presented (a page calling a protected route before sign-in is
 *   not guessing anything, and many users behind one NAT would block each other);
 * - `token_expired`: the token's signature was verified before its expiry was checked, so the
 *   caller once held a genuine token; clients routinely send one before refreshing.
 */
export const COUNTED_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "invalid_token",
  "invalid_api_key",
  "invalid_credentials",
  "invalid_signature",
  "signature_expired",
  "replayed_request",
  "refresh_token_reused",
]);

/**
 * Counts a failed authentication for `ip` in the RateLimiter object of its rate-limit subject
 * (`ip:<address>`, IPv6 per /64 as the rate limiter counts it, so one host cannot rotate through
 * its block; shared by every isolate). The failure that completes a burst blocks that address or
 * /64 for 15 minutes (automatic block row, audit event `security.ip_blocked`, security events
 * `failed_auth_burst` and `ip_blocked`). Returns whether it did. Never throws: monitoring must
 * not break the response.
 */
export async function noteAuthFailure(
  env: Env,
  input: { ip: string; code: ErrorCode; requestId?: string; onBlocked?: (blockId: string, failures: number) => void },
): Promise<boolean> {
  const subject = ipSubject(input.ip);
  // The blocked target: the IPv4 address, or the IPv6 /64 the failures were counted for.
  const ip = parseIpRange(subject.slice("ip:".length))?.normalized;
  if (!ip) return false;
  try {
    const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(subject));
    const { failures, burst } = await limiter.noteAuthFailure({
      windowMs: FAILURE_WINDOW_MS,
      threshold: FAILURE_THRESHOLD,
    });
    if (!burst) return false;
    const now = Date.now();
    const { block } = await addIpBlock(env.DB, {
      ip,
      reason: `${failures} failed authentications within ${FAILURE_WINDOW_MS / 60_000} minutes`,
      expiresInSeconds: AUTO_BLOCK_SECONDS,
      source: "automatic",
      now,
    });
    const details = { failures, window_seconds: FAILURE_WINDOW_MS / 1000, last_code: input.code };
    await Promise.all([
      storeSecurityEvent(env.DB, { type: "failed_auth_burst", ip, details }, input.requestId),
      storeSecurityEvent(
        env.DB,
        {
          type: "ip_blocked",
          ip,
          details: { block_id: block.block_id, source: "automatic", expires_at: block.expires_at },
        },
        input.requestId,
      ),
    ]);
    input.onBlocked?.(block.block_id, failures);
    return true;
  } catch (err) {
    logger.error("auth_failure_count_failed", {
      request_id: input.requestId ?? null,
      error: err instanceof Error ? err.message : String(err),
    });
    return false;
  }
}
