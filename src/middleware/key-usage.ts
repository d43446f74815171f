import type { Context, MiddlewareHandler } from "hono";
import { recordKeyUse, scheduleKeyUsageFlush } from "../services/keys/usage";
import { methodLabel, UNMATCHED_ROUTE } from "../services/metrics/labels";
import type { AppEnv } from "../types";
import { routeLabel } from "./observe";

/**
 * `METHOD /route/{template}` of the route that answers this request (`GET /api/v1/keys/{key_id}`),
 * or `unmatched` (one fixed value, so junk paths cannot grow the usage table). Same labels as
 * the metrics.
 */
export function endpointOf(c: Context<AppEnv>): string {
  const route = routeLabel(c);
  return route === UNMATCHED_ROUTE ? UNMATCHED_ROUTE : `${methodLabel(c.req.method)} ${route}`;
}

/**
 * Counts each response of an API-key caller in the key's usage (refusals of a known key
 * included, e.g. a suspended key or one used from a wrong IP), then waits in the request's
 * `waitUntil` for the isolate's next batched write (at most one per second): no D1 write per
 * request and nothing left unwritten when the isolate goes away. Mount right before `authenticate()`.
 * @example app.use("/api/v1/*", keyUsage())
 */
export function keyUsage(): MiddlewareHandler<AppEnv> {
  return async function keyUsageMiddleware(c, next) {
    await next();
    const keyId = c.get("principal")?.key_id ?? c.get("apiKeyId");
    if (!keyId) return;
    recordKeyUse({ keyId, endpoint: endpointOf(c), status: c.res.status, at: Date.now() });
    let waitUntil: ((promise: Promise<unknown>) => void) | undefined;
    try {
      const ctx = c.executionCtx;
      waitUntil = (promise) => ctx.waitUntil(promise);
    } catch {
      return; // app.request() without an ExecutionContext: the next flush or read writes it
    }
    waitUntil(scheduleKeyUsageFlush(c.env.DB));
  };
}
