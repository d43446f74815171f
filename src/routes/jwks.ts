import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { Jwks } from "../schemas/auth";
import { errorResponses } from "../schemas/common";
import { publicJwks } from "../services/auth/jwt";
import type { AppEnv } from "../types";

const jwksRoute = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  operationId: "getJwks",
  tags: ["Authentication"],
  summary: "Public keys of access tokens",
  description:
    "The JWK set that verifies access tokens with `RS256` or `EdDSA`, each key with its `kid`. Empty with `HS256`, whose shared secret is never published.",
  security: [],
  responses: {
    200: { description: "The JWK set.", content: { "application/json": { schema: Jwks } } },
    ...errorResponses(403),
  },
});

/** `GET /.well-known/jwks.json`. */
export const jwksRoutes = new OpenAPIHono<AppEnv>().openapi(jwksRoute, async (c) => {
  c.header("Cache-Control", "public, max-age=300");
  return c.json(await publicJwks(c.get("config")), 200);
});
