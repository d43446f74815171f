import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { requireScope, SECURED } from "../middleware/auth";
import { requireSignature } from "../middleware/signature";
import { errorResponses } from "../schemas/common";
import { KeyIdParam, KeyObjectSchema, LimitsBody, SuspendBody } from "../schemas/keys";
import { setLimits, setSuspended } from "../services/keys/admin";
import type { AppEnv } from "../types";
import { authDeps } from "./auth";

const json = <T>(schema: T) => ({ "application/json": { schema } });
const TAGS = ["Admin"];
const GUARD = [requireScope("admin"), requireSignature()];
const SIGNED_NOTE = " Needs the `admin` scope; with an API key the request must be signed.";

const suspendRoute = createRoute({
  method: "post",
  path: "/api/v1/admin/keys/{key_id}/suspend",
  operationId: "suspendApiKey",
  tags: TAGS,
  summary: "Suspend an API key",
  description: `Abuse or breach response: the key (any account's) is refused with 403 \`key_suspended\` at once in this edge location and within 5 s everywhere, and cannot be rotated meanwhile. Raises a \`key_suspended\` security event. Suspending a suspended key is harmless; a revoked key is 409 \`conflict\`.${SIGNED_NOTE}`,
  security: SECURED,
  middleware: GUARD,
  request: { params: KeyIdParam, body: { required: false, content: json(SuspendBody) } },
  responses: {
    200: { description: "The key, now suspended.", content: json(KeyObjectSchema) },
    ...errorResponses(401, 403, 404, 409),
  },
});

const unsuspendRoute = createRoute({
  method: "post",
  path: "/api/v1/admin/keys/{key_id}/unsuspend",
  operationId: "unsuspendApiKey",
  tags: TAGS,
  summary: "Reinstate a suspended API key",
  description: `The key works again (within 5 s everywhere), unless it has expired meanwhile.${SIGNED_NOTE}`,
  security: SECURED,
  middleware: GUARD,
  request: { params: KeyIdParam },
  responses: {
    200: { description: "The key, now active.", content: json(KeyObjectSchema) },
    ...errorResponses(401, 403, 404, 409),
  },
});

const limitsRoute = createRoute({
  method: "put",
  path: "/api/v1/admin/keys/{key_id}/limits",
  operationId: "setApiKeyLimits",
  tags: TAGS,
  summary: "Set an API key's tier and rate limit",
  description: `Grants a tier (\`basic\`, \`premium\`, \`enterprise\`) to any account's key and, for enterprise keys, sets its own per-minute rate and burst, which the rate limiter uses instead of the enterprise default (API.md: "set per key by an admin"). Moving a key off \`enterprise\` clears its own limit. Takes effect within 5 s everywhere. A revoked key, or a rate for a non-enterprise key, is 409 \`conflict\`.${SIGNED_NOTE}`,
  security: SECURED,
  middleware: GUARD,
  request: { params: KeyIdParam, body: { required: true, content: json(LimitsBody) } },
  responses: {
    200: { description: "The key with its new tier and limit.", content: json(KeyObjectSchema) },
    ...errorResponses(401, 403, 404, 409),
  },
});

/** `/api/v1/admin/keys/{key_id}/…`: admin controls on any account's key. */
export const adminKeyRoutes = new OpenAPIHono<AppEnv>()
  .openapi(suspendRoute, async (c) => {
    const body = c.req.valid("json") as { reason?: string } | undefined;
    const key = await setSuspended(authDeps(c), c.req.valid("param").key_id, true, body?.reason || null);
    return c.json(key, 200);
  })
  .openapi(unsuspendRoute, async (c) => {
    const key = await setSuspended(authDeps(c), c.req.valid("param").key_id, false, null);
    return c.json(key, 200);
  })
  .openapi(limitsRoute, async (c) => {
    const key = await setLimits(authDeps(c), c.req.valid("param").key_id, c.req.valid("json"));
    return c.json(key, 200);
  });
