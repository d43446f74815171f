import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types";

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Echoes a well-formed incoming `X-Request-Id` (1-128 of `[A-Za-z0-9._:-]`) or generates one,
 * and sets it on every response, errors included.
 * @example app.use("*", requestId())
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header("x-request-id");
    const id = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : `req_${crypto.randomUUID()}`;
    c.set("requestId", id);
    c.set("startedAt", Date.now());
    c.set("clientIp", c.req.header("cf-connecting-ip") ?? "unknown");
    await next();
    c.res.headers.set("X-Request-Id", id);
  };
}
