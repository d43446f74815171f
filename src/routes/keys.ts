import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError } from "../errors";
import { requireScope, SECURED } from "../middleware/auth";
import { requireSignature } from "../middleware/signature";
import { errorResponses } from "../schemas/common";
import {
  CreateKeyBody,
  IssuedKeySchema,
  KeyIdParam,
  KeyListSchema,
  KeyObjectSchema,
  ListKeysQuery,
  UsageQuery,
  UsageSchema,
} from "../schemas/keys";
import { createKey, getKey, keyCallerOf, listKeys, revokeKey, rotateKey, usageOfKey } from "../services/keys/manage";
import type { KeyCaller } from "../services/keys/policy";
import type { AppEnv } from "../types";
import { authDeps, noStore } from "./auth";

const json = <T>(schema: T) => ({ "application/json": { schema } });
const TAGS = ["API keys"];
// Every key-management call made with an API key must be signed (API.md); JWT calls are not.
const GUARD = [requireScope(), requireSignature()];
const SIGNED_NOTE =
  " Called with an API key, the request must be signed (`X-API-Timestamp`, `X-API-Signature`), and only keys no more powerful than the calling key are visible.";

async function callerOf(c: Context<AppEnv>): Promise<KeyCaller> {
  const principal = c.get("principal");
  if (!principal) throw new ApiError("unauthorized");
  return keyCallerOf(c.env.DB, principal);
}

const createKeyRoute = createRoute({
  method: "post",
  path: "/api/v1/keys",
  operationId: "createApiKey",
  tags: TAGS,
  summary: "Create an API key",
  description: `Issues a key (\`pk_…\`) and its signing secret (\`sk_…\`), shown only in this response. Scopes must be a subset of the caller's (403 \`forbidden\` otherwise); \`premium\`/\`enterprise\` only by an admin. A key created with an API key inherits that key's IP, country and expiry restrictions and may not loosen them. At most 100 keys per account (409 \`conflict\`).${SIGNED_NOTE}`,
  security: SECURED,
  middleware: GUARD,
  request: { body: { required: true, content: json(CreateKeyBody) } },
  responses: {
    201: { description: "The key, with `api_key` and `api_secret` (shown once).", content: json(IssuedKeySchema) },
    ...errorResponses(401, 403, 409),
  },
});

const listKeysRoute = createRoute({
  method: "get",
  path: "/api/v1/keys",
  operationId: "listApiKeys",
  tags: TAGS,
  summary: "List your API keys",
  description: `The caller's keys, newest first, revoked and rotated ones included (with their status). Never shows a key or a secret.${SIGNED_NOTE}`,
  security: SECURED,
  middleware: GUARD,
  request: { query: ListKeysQuery },
  responses: {
    200: { description: "A page of keys.", content: json(KeyListSchema) },
    ...errorResponses(401, 403),
  },
});

const getKeyRoute = createRoute({
  method: "get",
  path: "/api/v1/keys/{key_id}",
  operationId: "getApiKey",
  tags: TAGS,
  summary: "Read an API key",
  description: `One key of the caller's; another account's key is 404.${SIGNED_NOTE}`,
  security: SECURED,
  middleware: GUARD,
  request: { params: KeyIdParam },
  responses: {
    200: { description: "The key.", content: json(KeyObjectSchema) },
    ...errorResponses(401, 403, 404),
  },
});

const rotateKeyRoute = createRoute({
  method: "post",
  path: "/api/v1/keys/{key_id}/rotate",
  operationId: "rotateApiKey",
  tags: TAGS,
  summary: "Rotate an API key",
  description: `Issues a new key and secret with the same name, scopes, tier, rules and lifetime; the new key works at once and the old one stops (at once in this edge location, within 5 s everywhere). A suspended key cannot be rotated (403 \`key_suspended\`); a revoked or expired one is 409 \`conflict\`.${SIGNED_NOTE}`,
  security: SECURED,
  middleware: GUARD,
  request: { params: KeyIdParam },
  responses: {
    201: { description: "The new key, with `api_key` and `api_secret` (shown once).", content: json(IssuedKeySchema) },
    ...errorResponses(401, 403, 404, 409),
  },
});

const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/api/v1/keys/{key_id}",
  operationId: "revokeApiKey",
  tags: TAGS,
  summary: "Revoke an API key",
  description: `The key stops working at once (within 5 s everywhere) and stays listed as \`revoked\`. Revoking a revoked key again is a harmless 204.${SIGNED_NOTE}`,
  security: SECURED,
  middleware: GUARD,
  request: { params: KeyIdParam },
  responses: { 204: { description: "Revoked." }, ...errorResponses(401, 403, 404) },
});

const usageRoute = createRoute({
  method: "get",
  path: "/api/v1/keys/{key_id}/usage",
  operationId: "getApiKeyUsage",
  tags: TAGS,
  summary: "Usage of an API key",
  description: `Requests and refusals (status ≥ 400, 429 included) by endpoint and by UTC day, between \`start_time\` and \`end_time\` (whole days; default the last 30, at most 366). Counts are readable within seconds of the requests.${SIGNED_NOTE}`,
  security: SECURED,
  middleware: GUARD,
  request: { params: KeyIdParam, query: UsageQuery },
  responses: {
    200: { description: "The key's usage.", content: json(UsageSchema) },
    ...errorResponses(401, 403, 404),
  },
});

/** `/api/v1/keys…`: the owner's key management. */
export const keyRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createKeyRoute, async (c) => {
    const issued = await createKey(authDeps(c), await callerOf(c), c.req.valid("json"));
    noStore(c);
    return c.json(issued, 201);
  })
  .openapi(listKeysRoute, async (c) => {
    const page = await listKeys(authDeps(c), await callerOf(c), c.req.valid("query"));
    return c.json(page, 200);
  })
  .openapi(getKeyRoute, async (c) => {
    const key = await getKey(authDeps(c), await callerOf(c), c.req.valid("param").key_id);
    return c.json(key, 200);
  })
  .openapi(rotateKeyRoute, async (c) => {
    const issued = await rotateKey(authDeps(c), await callerOf(c), c.req.valid("param").key_id);
    noStore(c);
    return c.json(issued, 201);
  })
  .openapi(revokeKeyRoute, async (c) => {
    await revokeKey(authDeps(c), await callerOf(c), c.req.valid("param").key_id);
    return c.body(null, 204);
  })
  .openapi(usageRoute, async (c) => {
    const usage = await usageOfKey(authDeps(c), await callerOf(c), c.req.valid("param").key_id, c.req.valid("query"));
    return c.json(usage, 200);
  });
