import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { requireScope, SECURED } from "../middleware/auth";
import { AuditLogPage, AuditLogQuery } from "../schemas/audit";
import { errorResponses } from "../schemas/common";
import { listAuditEntries } from "../services/audit/query";
import { hasScopes } from "../services/auth/scopes";
import type { AppEnv } from "../types";

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/audit-logs",
  operationId: "listAuditLogs",
  tags: ["Audit"],
  summary: "Read the audit log",
  description:
    "Audit entries, newest first: one `api.request` per API request plus domain events (logins, token refresh and reuse, key changes, trading, admin actions, automatic blocks). Callers see their own account's entries; a credential with the `admin` scope sees every account's and may filter with `account_id`. Entries are readable within 5 s of the request that caused them. `end_time` is exclusive.",
  security: SECURED,
  middleware: [requireScope("read:audit")] as const,
  request: { query: AuditLogQuery },
  responses: {
    200: { description: "A page of entries.", content: { "application/json": { schema: AuditLogPage } } },
    ...errorResponses(401, 403),
  },
});

/** `GET /api/v1/audit-logs`. */
export const auditLogRoutes = new OpenAPIHono<AppEnv>().openapi(listRoute, async (c) => {
  const q = c.req.valid("query");
  const principal = c.get("principal");
  if (!principal) throw new Error("requireScope let an anonymous caller through");
  const admin = hasScopes(principal.scopes, ["admin"]);
  // A non-admin naming another account gets an empty page: their own entries only, never 403.
  const accountId = admin ? q.account_id : principal.user_id;
  const page =
    !admin && q.account_id !== undefined && q.account_id !== principal.user_id
      ? { entries: [], next_cursor: null }
      : await listAuditEntries(c.env.DB, {
          ...(accountId !== undefined ? { accountId } : {}),
          ...(q.event !== undefined ? { event: q.event } : {}),
          ...(q.start_time !== undefined ? { startMs: Date.parse(q.start_time) } : {}),
          ...(q.end_time !== undefined ? { endMs: Date.parse(q.end_time) } : {}),
          limit: q.limit,
          ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        });
  c.header("Cache-Control", "no-store");
  return c.json(page, 200);
});
