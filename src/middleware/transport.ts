import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

/**
 * Refuses plain-HTTP requests with 403 `https_required` when `ENFORCE_HTTPS` is on [002].
 * On Cloudflare the request URL keeps the scheme the client used, so it is the only signal
 * trusted here (a client-sent `X-Forwarded-Proto` could lie).
 * @example app.use("*", enforceHttps())
 */
export function enforceHttps(): MiddlewareHandler<AppEnv> {
  return async function enforceHttpsMiddleware(c, next) {
    if (c.get("config").ENFORCE_HTTPS && new URL(c.req.url).protocol !== "https:") {
      throw new ApiError("https_required", "Use https:// to call this API.");
    }
    await next();
  };
}
