import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { findUserById } from "../db/users";
import { ApiError } from "../errors";
import { requireScope, SECURED } from "../middleware/auth";
import { MeSchema } from "../schemas/auth";
import { errorResponses } from "../schemas/common";
import type { AppEnv } from "../types";

const meRoute = createRoute({
  method: "get",
  path: "/api/v1/me",
  operationId: "getMe",
  tags: ["Authentication"],
  summary: "Who am I",
  description: "The caller's account and the scopes of the credential used (a JWT's role scopes, or an API key's own).",
  security: SECURED,
  middleware: [requireScope()] as const,
  responses: {
    200: { description: "The caller.", content: { "application/json": { schema: MeSchema } } },
    ...errorResponses(401, 403),
  },
});

/** `GET /api/v1/me`. */
export const meRoutes = new OpenAPIHono<AppEnv>().openapi(meRoute, async (c) => {
  const principal = c.get("principal");
  const user = principal ? await findUserById(c.env.DB, principal.user_id) : null;
  if (!principal || !user) {
    throw new ApiError(
      principal?.kind === "api_key" ? "invalid_api_key" : "invalid_token",
      "The account no longer exists.",
    );
  }
  c.header("Cache-Control", "no-store");
  return c.json(
    { user_id: user.id, email: user.email, wallet: user.wallet, role: principal.role, permissions: principal.scopes },
    200,
  );
});
