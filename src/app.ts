import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { ZodError } from "zod";
import { API_VERSION } from "./app-info";
import { getConfig } from "./config";
import { ApiError, type ErrorCode, errorBody } from "./errors";
import { logger } from "./lib/log";
import { auditRequests } from "./middleware/audit";
import { authenticate } from "./middleware/auth";
import { ipGuard } from "./middleware/ip-guard";
import { keyUsage } from "./middleware/key-usage";
import { observe } from "./middleware/observe";
import { rateLimit, rateLimitEarlyRefusals } from "./middleware/rate-limit";
import { requestId } from "./middleware/request-id";
import { tradingHaltGuard } from "./middleware/trading-halt";
import { enforceHttps } from "./middleware/transport";
import { registerRoutes } from "./routes";
import { ERROR_RESPONSES, ErrorSchema } from "./schemas/common";
import type { AppEnv } from "./types";

/** Bodies over this many bytes are refused with 413 before anything parses them. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Turns zod issues into `details.issues` of a `validation_error`. */
export function validationError(error: ZodError, location: string): ApiError {
  const issues = error.issues.map((issue) => ({
    path: [location, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  const first = issues[0];
  return new ApiError("validation_error", first ? `${first.path}: ${first.message}` : undefined, {
    details: { issues },
  });
}

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: "validation_error",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  429: "rate_limit_exceeded",
};

/** Maps anything thrown to an `ApiError`; unknown errors become a generic 500 and are logged. */
export function toApiError(err: unknown, c: Context<AppEnv>): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const code = HTTP_STATUS_CODES[err.status];
    if (code === "validation_error") {
      // Hono's validators throw this for unparseable JSON bodies.
      return new ApiError(code, "The request body is not valid JSON.", {
        details: { issues: [{ path: "body", message: err.message }] },
      });
    }
    if (err.status === 415) {
      return new ApiError("validation_error", "The request body must be sent as application/json.", {
        details: { issues: [{ path: "header.content-type", message: "expected application/json" }] },
      });
    }
    if (code) return new ApiError(code);
  }
  logger.error("unhandled_error", {
    request_id: c.get("requestId"),
    route: c.req.routePath,
    error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
  });
  return new ApiError("internal_error");
}

/** Sends the error envelope for `err`. */
export function respondError(c: Context<AppEnv>, err: ApiError): Response {
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(errorBody(err, c.get("requestId") ?? "unknown"), err.status);
}

/**
 * Builds the Worker's router: middleware chain, every route, `/openapi.json` and `/docs`.
 * @example const app = createApp(); export default { fetch: app.fetch }
 */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target === "json" ? "body" : result.target);
    },
  });

  app.use("*", requestId());
  app.use("*", async function loadConfig(c, next) {
    c.set("config", getConfig(c.env));
    await next();
  });
  // (Metrics and request logs: observability capability.)
  app.use("*", observe());
  // (Audit of every request: audit capability.)
  app.use("*", auditRequests());
  app.use(
    "*",
    secureHeaders({
      strictTransportSecurity: "max-age=63072000; includeSubDomains; preload",
      xFrameOptions: "DENY",
      xContentTypeOptions: "nosniff",
      referrerPolicy: "no-referrer",
      crossOriginResourcePolicy: "same-origin",
      // /docs loads its own scripts and styles from this origin only.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.use("*", enforceHttps());
  app.use("*", async function corsFromConfig(c, next) {
    const origins = c.get("config").CORS_ORIGINS;
    return cors({
      origin: (origin) => (origins.includes("*") || origins.includes(origin) ? origin : null),
      allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
      allowHeaders: [
        "Authorization",
        "Content-Type",
        "X-API-Key",
        "X-API-Timestamp",
        "X-API-Signature",
        "X-Request-Id",
        "Idempotency-Key",
      ],
      exposeHeaders: [
        "X-Request-Id",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
        "Retry-After",
        "Idempotent-Replayed",
      ],
      maxAge: 600,
    })(c, next);
  });
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError("payload_too_large");
      },
    }),
  );

  // Rate limiting, part 1: requests refused before the limiter runs are charged to their IP.
  app.use("/api/v1/*", rateLimitEarlyRefusals());
  // (IP block guard: audit/admin capability.)
  app.use("/api/v1/*", ipGuard());
  app.use("/ws/*", ipGuard());
  app.use("/api/v1/portfolio/*", tradingHaltGuard());
  // API-key usage counts (API-keys capability): wraps authentication to see a known key's refusals.
  app.use("/api/v1/*", keyUsage());
  app.use("/api/v1/*", authenticate());
  // (Rate limiting: rate-limit capability.)
  app.use("/api/v1/*", rateLimit());

  registerRoutes(app);

  app.openAPIRegistry.register("Error", ErrorSchema);
  for (const { name, description, ...more } of Object.values(ERROR_RESPONSES)) {
    app.openAPIRegistry.registerComponent("responses", name, {
      description,
      ...more, // the 429's Retry-After and X-RateLimit-* headers
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    });
  }
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT or pk_ API key",
    description: "A JWT access token, or an API key (`pk_…`) as a bearer token.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description:
      "An API key. Critical operations also need `X-API-Timestamp` and `X-API-Signature` (HMAC-SHA256, see the description).",
  });
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "Parapet API",
      version: API_VERSION,
      description:
        'Crypto market intelligence at the edge: market data, portfolio, risk and forecasts, Solana token anomaly alerts, behind JWTs, scoped API keys, HMAC request signing and per-subject rate limits.\n\nEvery error has the body `{"error": {code, message, details, request_id}}`.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));

  app.notFound((c) => respondError(c, new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError((err, c) => respondError(c, toApiError(err, c)));
  return app;
}
