import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import { sha256Hex, timingSafeEqual } from "../lib/crypto";
import type { AppEnv } from "../types";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Guards `/metrics`: when `METRICS_TOKEN` is set, requires `Authorization: Bearer <METRICS_TOKEN>`
 * and answers anything else with 401 `unauthorized`. The token is compared as SHA-256 digests in
 * constant time, so neither its content nor its length leaks through timing.
 * @example createRoute({ ..., middleware: [requireMetricsToken()] })
 */
export function requireMetricsToken(): MiddlewareHandler<AppEnv> {
  return async function requireMetricsTokenMiddleware(c, next) {
    const expected = c.get("config").METRICS_TOKEN;
    if (expected !== undefined) {
      const given = BEARER.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
      const ok = timingSafeEqual(await sha256Hex(given), await sha256Hex(expected));
      if (!ok || given === "") {
        throw new ApiError("unauthorized", "Scraping /metrics needs 'Authorization: Bearer <METRICS_TOKEN>'.", {
          headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
        });
      }
    }
    await next();
  };
}
