import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError } from "../errors";
import { requireScope, SECURED } from "../middleware/auth";
import {
  BlockIdParam,
  IpBlockBody,
  IpBlockList,
  IpBlockSchema,
  SecurityEventList,
  SecurityEventQuery,
  TradingHaltBody,
  TradingHaltSchema,
} from "../schemas/admin";
import { VerifyQuery, VerifyResultSchema } from "../schemas/audit";
import { errorResponses, PaginationQuery } from "../schemas/common";
import { setTradingHalt, tradingHalt } from "../services/admin/trading-halt";
import { recordEvent } from "../services/audit/record";
import { recordSecurityEvent } from "../services/audit/security-events";
import { verifyChain } from "../services/audit/verify";
import { listSecurityEventsPage } from "../services/security/events-query";
import { addIpBlock, listIpBlocks, removeIpBlock } from "../services/security/ip-blocks";
import type { AppEnv } from "../types";

const TAGS = ["Admin"];
const admin = () => [requireScope("admin")];
const json = <T>(schema: T) => ({ "application/json": { schema } });

function adminId(c: Context<AppEnv>): string {
  const principal = c.get("principal");
  if (!principal) throw new Error("requireScope let an anonymous caller through");
  return principal.user_id;
}

const addBlockRoute = createRoute({
  method: "post",
  path: "/api/v1/admin/ip-blocks",
  operationId: "addIpBlock",
  tags: TAGS,
  summary: "Block an IP address or range",
  description:
    "Refuses every `/api/v1` and `/ws` request from the address or CIDR range with 403 `ip_blocked`, before authentication, everywhere within 5 s. Ranges wider than /8 (IPv4) or /16 (IPv6), and ranges holding the caller's own IP, are refused (400). An address or range that is already blocked answers 409 `conflict` with `details.block_id`.",
  security: SECURED,
  middleware: admin(),
  request: { body: { required: true, content: json(IpBlockBody) } },
  responses: {
    201: { description: "The block.", content: json(IpBlockSchema) },
    ...errorResponses(401, 403, 409),
  },
});

const listBlocksRoute = createRoute({
  method: "get",
  path: "/api/v1/admin/ip-blocks",
  operationId: "listIpBlocks",
  tags: TAGS,
  summary: "List active IP blocks",
  description: "Active blocks, manual and automatic (failed-authentication bursts), newest first.",
  security: SECURED,
  middleware: admin(),
  request: { query: PaginationQuery },
  responses: {
    200: { description: "A page of blocks.", content: json(IpBlockList) },
    ...errorResponses(401, 403),
  },
});

const removeBlockRoute = createRoute({
  method: "delete",
  path: "/api/v1/admin/ip-blocks/{block_id}",
  operationId: "removeIpBlock",
  tags: TAGS,
  summary: "Remove an IP block",
  description: "Lifts a manual or automatic block; requests from the address pass again everywhere within 5 s.",
  security: SECURED,
  middleware: admin(),
  request: { params: BlockIdParam },
  responses: {
    204: { description: "Removed." },
    ...errorResponses(401, 403, 404),
  },
});

const getHaltRoute = createRoute({
  method: "get",
  path: "/api/v1/admin/trading-halt",
  operationId: "getTradingHalt",
  tags: TAGS,
  summary: "Read the emergency trading halt",
  description: "Whether trading writes are currently halted.",
  security: SECURED,
  middleware: admin(),
  responses: {
    200: { description: "The halt state.", content: json(TradingHaltSchema) },
    ...errorResponses(401, 403),
  },
});

const putHaltRoute = createRoute({
  method: "put",
  path: "/api/v1/admin/trading-halt",
  operationId: "setTradingHalt",
  tags: TAGS,
  summary: "Turn the emergency trading halt on or off",
  description:
    "While on, every trading write (POST/DELETE under `/api/v1/portfolio`) answers 503 `trading_halted`, everywhere within 5 s; reads keep working. Recorded as `admin.trading_halt`.",
  security: SECURED,
  middleware: admin(),
  request: { body: { required: true, content: json(TradingHaltBody) } },
  responses: {
    200: { description: "The new state.", content: json(TradingHaltSchema) },
    ...errorResponses(401, 403),
  },
});

const securityEventsRoute = createRoute({
  method: "get",
  path: "/api/v1/admin/security-events",
  operationId: "listSecurityEvents",
  tags: TAGS,
  summary: "List security events",
  description:
    "Newest first: `failed_auth_burst` and `ip_blocked` (20 failed authentications from one IP within 5 minutes block it for 15), `new_country_login`, `key_suspended`, `rate_limit_suspension`, `refresh_token_reused`, `concurrent_sessions` (one account active from more than 5 IPs within 10 minutes). `end_time` is exclusive.",
  security: SECURED,
  middleware: admin(),
  request: { query: SecurityEventQuery },
  responses: {
    200: { description: "A page of events.", content: json(SecurityEventList) },
    ...errorResponses(401, 403),
  },
});

const verifyRoute = createRoute({
  method: "get",
  path: "/api/v1/admin/audit/verify",
  operationId: "verifyAuditChain",
  tags: TAGS,
  summary: "Verify the audit log's hash chain",
  description:
    "Walks the chain from the oldest kept entry (entries older than the retention are purged; the chain continues from the last purged entry's hash) and reports the first entry that fails. At the end, compares the log with the sequencer's own record of the chain head, which catches entries cut off the end and a chain rewritten from scratch. Checks at most `limit` entries per call; continue with `next_cursor`.",
  security: SECURED,
  middleware: admin(),
  request: { query: VerifyQuery },
  responses: {
    200: { description: "The verdict.", content: json(VerifyResultSchema) },
    ...errorResponses(401, 403),
  },
});

/** Admin controls: IP blocks, trading halt, security events, audit verification. */
export const adminRoutes = new OpenAPIHono<AppEnv>()
  .openapi(addBlockRoute, async (c) => {
    const body = c.req.valid("json");
    const { created, block } = await addIpBlock(c.env.DB, {
      ip: body.ip,
      reason: body.reason ?? null,
      expiresInSeconds: body.expires_in_seconds ?? null,
      source: "manual",
      createdBy: adminId(c),
      callerIp: c.get("clientIp"),
      now: Date.now(),
    });
    if (!created) {
      throw new ApiError("conflict", "This address or range is already blocked.", {
        details: { block_id: block.block_id },
      });
    }
    recordEvent(c, {
      event: "admin.ip_block_added",
      details: { block_id: block.block_id, ip: block.ip, expires_at: block.expires_at, reason: block.reason },
    });
    recordSecurityEvent(c, {
      type: "ip_blocked",
      ip: block.ip,
      account_id: null,
      details: {
        block_id: block.block_id,
        source: "manual",
        reason: block.reason,
        expires_at: block.expires_at,
        by: adminId(c),
      },
    });
    return c.json(block, 201);
  })
  .openapi(listBlocksRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(
      await listIpBlocks(c.env.DB, { limit: q.limit, now: Date.now(), ...(q.cursor ? { cursor: q.cursor } : {}) }),
      200,
    );
  })
  .openapi(removeBlockRoute, async (c) => {
    const block = await removeIpBlock(c.env.DB, c.req.valid("param").block_id);
    recordEvent(c, {
      event: "admin.ip_block_removed",
      details: { block_id: block.block_id, ip: block.ip, source: block.source },
    });
    return c.body(null, 204);
  })
  .openapi(getHaltRoute, async (c) => c.json(await tradingHalt(c.env.DB), 200))
  .openapi(putHaltRoute, async (c) => {
    const body = c.req.valid("json");
    const state = await setTradingHalt(c.env.DB, {
      halted: body.halted,
      reason: body.reason ?? null,
      updatedBy: adminId(c),
      now: Date.now(),
    });
    recordEvent(c, { event: "admin.trading_halt", details: { halted: state.halted, reason: state.reason } });
    return c.json(state, 200);
  })
  .openapi(securityEventsRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listSecurityEventsPage(c.env.DB, {
      ...(q.type !== undefined ? { type: q.type } : {}),
      ...(q.start_time !== undefined ? { startMs: Date.parse(q.start_time) } : {}),
      ...(q.end_time !== undefined ? { endMs: Date.parse(q.end_time) } : {}),
      limit: q.limit,
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    });
    return c.json(page, 200);
  })
  .openapi(verifyRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(await verifyChain(c.env, { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) }), 200);
  });
