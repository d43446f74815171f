import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { findTargetHandler, isMiddleware } from "hono/utils/handler";
import { ApiError } from "../errors";
import { errorFields } from "../lib/error-fields";
import { logger } from "../lib/log";
import { countRateLimitRefusal, recordRequest, type Waiter } from "../services/metrics";
import { REFUSAL_REASONS, type RefusalReason } from "../services/metrics/catalogue";
import { routeTemplate, UNMATCHED_ROUTE } from "../services/metrics/labels";

/** 503s that describe a deliberate state rather than a failure: logged as warnings, not errors. */
const EXPECTED_UNAVAILABLE: ReadonlySet<string> = new Set(["AI_001", "trading_halted"]);

import type { AppEnv } from "../types";

const MAX_LOGGED_TEXT = 256;
const TEMPLATES = new Map<string, string>();

/**
 * The template of the route that answers this request (`/api/v1/market/price/{symbol}`), or
 * `unmatched` when only wildcard middleware matched (the response is a 404). Found from the
 * routing result, so a request refused before its handler ran (401, 429…) still gets its route.
 */
export function routeLabel(c: Context<AppEnv>): string {
  const route = matchedRoutes(c).find(
    (r) => r.method !== "ALL" || !isMiddleware(findTargetHandler(r.handler) as (...args: unknown[]) => unknown),
  );
  if (!route) return UNMATCHED_ROUTE;
  let template = TEMPLATES.get(route.path);
  if (template === undefined) {
    template = routeTemplate(route.path);
    // Route paths are the app's own (a fixed set), so the cache stays small.
    if (TEMPLATES.size < 10_000) TEMPLATES.set(route.path, template);
  }
  return template;
}

function executionContext(c: Context<AppEnv>): Waiter | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined; // app.request() without an ExecutionContext (tests, scripts)
  }
}

/**
 * Records every response (errors and 404s included) in the metrics and writes one structured
 * log line per request: request id, method, route template, status, latency, principal, key and
 * IP; never the raw URL (query strings may carry tokens), headers or bodies. Mount it right
 * after the request id and config so it sees what the rest of the chain answers.
 * @example app.use("*", observe())
 */
export function observe(): MiddlewareHandler<AppEnv> {
  return async function observeMiddleware(c, next) {
    await next();
    const status = c.res.status;
    const startedAt = c.get("startedAt");
    const latencyMs = Math.max(0, Date.now() - startedAt);
    const route = routeLabel(c);
    const principal = c.get("principal");
    const error = c.error;
    const waiter = executionContext(c);

    recordRequest(c.env, waiter, { method: c.req.method, route, status, latencyMs, at: startedAt });
    if (error instanceof ApiError && (REFUSAL_REASONS as readonly string[]).includes(error.code)) {
      countRateLimitRefusal(c.env, waiter, {
        reason: error.code as RefusalReason,
        tier: principal?.tier ?? "anonymous",
      });
    }

    const fields: Record<string, unknown> = {
      request_id: c.get("requestId"),
      method: c.req.method.slice(0, 16),
      route,
      status,
      latency_ms: latencyMs,
      principal_id: principal?.user_id ?? null,
      key_id: principal?.key_id ?? null,
      ip: c.get("clientIp"),
      country: (c.req.raw.cf?.country as string | undefined) ?? c.req.header("cf-ipcountry") ?? null,
      user_agent: c.req.header("user-agent")?.slice(0, MAX_LOGGED_TEXT) ?? null,
    };
    // The path (never the query) helps to see what unknown URLs are probed; templates say enough otherwise.
    if (route === UNMATCHED_ROUTE) fields.path = c.req.path.slice(0, MAX_LOGGED_TEXT);
    if (error instanceof ApiError) fields.error_code = error.code;
    else if (error && status >= 500) fields.error_code = "internal_error";
    else if (!error && route === UNMATCHED_ROUTE && status === 404) fields.error_code = "not_found"; // app.notFound
    if (status >= 500 && error instanceof ApiError && EXPECTED_UNAVAILABLE.has(error.code)) {
      // A state the service announces on purpose (no model trained yet, a trading halt), not a fault.
      logger.warn("request", fields);
    } else if (status >= 500) {
      if (error) fields.error = errorFields(error);
      logger.error("request", fields);
    } else {
      logger.info("request", fields);
    }
  };
}
