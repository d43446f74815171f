import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { flushKeyUsage, recordKeyUse } from "../services/keys/usage";
import type { AppEnv } from "../types";

/** Endpoint of requests that matched no route: one fixed value, so junk paths cannot grow the table. */
export const UNMATCHED_ENDPOINT = "unmatched";

/**
 * `METHOD /route/{template}` of the route that answers this request (`GET /api/v1/keys/{key_id}`),
 * or `unmatched`. Wildcard middleware registers as method `ALL`; routes have a concrete method.
 */
export function endpointOf(c: Context<AppEnv>): string {
  const route = matchedRoutes(c).find((r) => r.method !== "ALL");
  if (!route) return UNMATCHED_ENDPOINT;
  return `${route.method} ${route.path.replace(/:([A-Za-z0-9_]+)(\{[^/]*\})?\??/g, "{$1}")}`;
}

/**
 * Counts each response of an API-key caller in the key's usage (refusals of a known key
 * included, e.g. a suspended key or one used from a wrong IP), then flushes this isolate's
 * buffer in the request's `waitUntil`, coalesced with other requests: no D1 write per request
 * and nothing left unwritten when the isolate goes away. Mount right before `authenticate()`.
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
    waitUntil(flushKeyUsage(c.env.DB));
  };
}
