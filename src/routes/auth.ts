import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { LoginBody, LogoutBody, RefreshBody, RegisterBody, RegisteredUser, TokenPairSchema } from "../schemas/auth";
import { errorResponses } from "../schemas/common";
import { recordEvent } from "../services/audit/record";
import { recordSecurityEvent } from "../services/audit/security-events";
import { login, register } from "../services/auth/accounts";
import type { AuthDeps } from "../services/auth/deps";
import { endSession, refreshSession } from "../services/auth/tokens";
import type { AppEnv } from "../types";

/** The identity services' dependencies for this request. */
export function authDeps(c: Context<AppEnv>): AuthDeps {
  return {
    db: c.env.DB,
    config: c.get("config"),
    now: Date.now(),
    audit: (event) => recordEvent(c, event),
    security: (event) => recordSecurityEvent(c, event),
  };
}

/** Token responses must never be cached (RFC 6749 §5.1). */
export function noStore(c: Context<AppEnv>): void {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");
}

const json = <T>(schema: T) => ({ "application/json": { schema } });
const TAGS = ["Authentication"];

const registerRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/register",
  operationId: "register",
  tags: TAGS,
  summary: "Create an account",
  description:
    "Creates an email + password account. Passwords need 12-256 characters and are stored as salted PBKDF2-SHA256 (100,000 iterations). `role` is `developer` (default) or `trader`; emails listed in `ADMIN_EMAILS` become `admin`. A taken email is 409 `conflict`.",
  security: [],
  request: { body: { required: true, content: json(RegisterBody) } },
  responses: {
    201: { description: "The account.", content: json(RegisteredUser) },
    ...errorResponses(403, 409),
  },
});

const loginRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  operationId: "login",
  tags: TAGS,
  summary: "Log in with email and password",
  description:
    "Returns a token pair. A wrong password, an unknown email and a locked account all get the same 401 `invalid_credentials` after the same work. 5 failures for an account within 15 minutes lock it for 15 minutes (even the right password is refused meanwhile).",
  security: [],
  request: { body: { required: true, content: json(LoginBody) } },
  responses: {
    200: { description: "A new session's token pair.", content: json(TokenPairSchema) },
    ...errorResponses(401, 403),
  },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/refresh",
  operationId: "refreshToken",
  tags: TAGS,
  summary: "Rotate a refresh token",
  description:
    "Returns a new token pair; the presented refresh token is dead from now on. Presenting a rotated refresh token again is treated as theft (RFC 9700): 401 `refresh_token_reused`, and the whole session (every refresh and access token of it) is revoked. Unknown, expired or revoked tokens get 401 `invalid_token`.",
  security: [],
  request: { body: { required: true, content: json(RefreshBody) } },
  responses: {
    200: { description: "The next token pair of the session.", content: json(TokenPairSchema) },
    ...errorResponses(401, 403),
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  operationId: "logout",
  tags: TAGS,
  summary: "End a session",
  description:
    "Revokes the session the refresh token belongs to: its refresh tokens at once, its access tokens everywhere within 5 s. Unknown or already revoked tokens also get 204 (RFC 7009), so logout is safe to retry.",
  security: [],
  request: { body: { required: true, content: json(LogoutBody) } },
  responses: { 204: { description: "The session is revoked." }, ...errorResponses(403) },
});

/** `/api/v1/auth/{register,login,refresh,logout}`. */
export const authRoutes = new OpenAPIHono<AppEnv>()
  .openapi(registerRoute, async (c) => {
    const user = await register(authDeps(c), c.req.valid("json"));
    return c.json(user, 201);
  })
  .openapi(loginRoute, async (c) => {
    const tokens = await login(authDeps(c), c.req.valid("json"));
    noStore(c);
    return c.json(tokens, 200);
  })
  .openapi(refreshRoute, async (c) => {
    const tokens = await refreshSession(authDeps(c), c.req.valid("json").refresh_token);
    noStore(c);
    return c.json(tokens, 200);
  })
  .openapi(logoutRoute, async (c) => {
    await endSession(authDeps(c), c.req.valid("json").refresh_token);
    return c.body(null, 204);
  });
