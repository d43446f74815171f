import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import type { AuditDraft } from "../services/audit/chain";
import { enqueueAudit } from "../services/audit/pipeline";
import type { RecordedEvent } from "../services/audit/record";
import { draftFor, endpointOf, waiterOf } from "../services/audit/request-facts";
import { cleanText } from "../services/audit/sanitize";
import type { AppEnv } from "../types";

/**
 * Writes one `api.request` audit entry for every request (errors, 404s and refusals included)
 * plus the domain events its handlers recorded: time, request id, account, key, method, route
 * template, status, IP, country, user agent and latency; never tokens, headers other than the
 * user agent, query strings or bodies. Nothing is awaited: the entries join the isolate's
 * audit buffer and travel under `waitUntil` (see services/audit/pipeline.ts). Mount it early so
 * it sees every answer, including those of later middleware.
 * @example app.use("*", auditRequests())
 */
export function auditRequests(): MiddlewareHandler<AppEnv> {
  return async function auditRequestsMiddleware(c, next) {
    const events: RecordedEvent[] = [];
    c.set("auditEvents", events);
    try {
      await next();
    } finally {
      const principal = c.get("principal");
      const startedAt = c.get("startedAt") ?? Date.now();
      const endpoint = endpointOf(c);
      const drafts: AuditDraft[] = events.map((e) => draftFor(c, e));
      drafts.push(
        draftFor(c, {
          ts: startedAt,
          event: "api.request",
          account_id: principal?.user_id ?? null,
          key_id: principal?.key_id ?? null,
          status: c.res.status,
          latency_ms: Math.max(0, Date.now() - startedAt),
          details: outcomeDetails(c.error, endpoint === null ? c.req.path : null),
        }),
      );
      // Events recorded after this point (none are expected) still get written on their own.
      c.set("auditEvents", undefined);
      enqueueAudit(c.env, waiterOf(c), drafts);
    }
  };
}

/** The error code of a refused request, and the path probed when no route matched (masked, cut). */
function outcomeDetails(error: Error | undefined, unmatchedPath: string | null): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (error instanceof ApiError) details.error_code = error.code;
  else if (error) details.error_code = "internal_error";
  if (unmatchedPath !== null) details.path = cleanText(unmatchedPath);
  return details;
}
