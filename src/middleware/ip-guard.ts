import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import { recordEvent } from "../services/audit/record";
import { COUNTED_FAILURES, noteAuthFailure } from "../services/security/auth-failures";
import { isIpBlocked } from "../services/security/block-list";
import type { AppEnv } from "../types";

/**
 * Refuses callers on the IP block list with 403 `ip_blocked` before authentication, and counts
 * the request's authentication failure (see COUNTED_FAILURES) against its IP afterwards. The
 * count is awaited only on those 401s, so the next request from the same isolate already sees
 * a block that this one caused; successful requests pay one in-memory lookup.
 * @example app.use("/api/v1/*", ipGuard())
 */
export function ipGuard(): MiddlewareHandler<AppEnv> {
  return async function ipGuardMiddleware(c, next) {
    const ip = c.get("clientIp");
    if (await isIpBlocked(c.env.DB, ip)) throw new ApiError("ip_blocked");
    await next();
    const error = c.error;
    if (!(error instanceof ApiError) || !COUNTED_FAILURES.has(error.code)) return;
    await noteAuthFailure(c.env, {
      ip,
      code: error.code,
      requestId: c.get("requestId"),
      onBlocked: (blockId, failures) =>
        recordEvent(c, {
          event: "security.ip_blocked",
          account_id: null,
          key_id: null,
          details: { ip, block_id: blockId, failures, source: "automatic" },
        }),
    });
  };
}
