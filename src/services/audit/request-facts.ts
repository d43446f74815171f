import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import { findTargetHandler, isMiddleware } from "hono/utils/handler";
import type { AppEnv } from "../../types";
import { routeTemplate } from "../metrics/labels";
import type { AuditDraft } from "./chain";
import type { Waiter } from "./pipeline";
import { cleanDetails, cleanText } from "./sanitize";

/**
 * What the audit log knows about a request, read from the Hono context: never the raw URL
 * (query strings may carry tokens), headers other than the user agent, or bodies.
 */

/**
 * The template of the route that answered (`/api/v1/keys/{key_id}`), found from the routing
 * result so a request refused before its handler ran still gets it; null when no route matched.
 */
export function endpointOf(c: Context<AppEnv>): string | null {
  const route = matchedRoutes(c).find(
    (r) => r.method !== "ALL" || !isMiddleware(findTargetHandler(r.handler) as (...args: unknown[]) => unknown),
  );
  return route ? routeTemplate(route.path) : null;
}

/** The edge's country for the caller (`request.cf.country`), never a client-sent header. */
export function countryOf(c: Context<AppEnv>): string | null {
  const country = (c.req.raw as { cf?: { country?: unknown } }).cf?.country;
  return typeof country === "string" && /^[A-Z0-9]{2}$/.test(country) ? country : null;
}

/** The caller's IP as stored: null when the edge did not say. */
export function ipOf(c: Context<AppEnv>): string | null {
  const ip = c.get("clientIp");
  return ip && ip !== "unknown" ? ip.slice(0, 64) : null;
}

/** The ExecutionContext when there is one (not under `app.request()` in tests and scripts). */
export function waiterOf(c: Context<AppEnv>): Waiter | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

/** An audit entry for this request, with the given event fields. */
export function draftFor(
  c: Context<AppEnv>,
  fields: {
    ts: number;
    event: string;
    account_id: string | null;
    key_id: string | null;
    details?: Record<string, unknown>;
    status?: number | null;
    latency_ms?: number | null;
  },
): AuditDraft {
  return {
    ts: fields.ts,
    request_id: c.get("requestId") ?? null,
    event: fields.event,
    account_id: fields.account_id,
    key_id: fields.key_id,
    method: c.req.method.slice(0, 16),
    endpoint: endpointOf(c),
    status: fields.status ?? null,
    ip: ipOf(c),
    country: countryOf(c),
    user_agent: cleanText(c.req.header("user-agent")),
    latency_ms: fields.latency_ms ?? null,
    details: cleanDetails(fields.details),
  };
}
