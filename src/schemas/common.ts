import { z } from "@hono/zod-openapi";
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from "../errors";

/** The error envelope of API.md, registered as the `Error` component. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).openapi({ example: "validation_error" }),
      message: z.string().openapi({ example: "The request is not valid." }),
      details: z.record(z.string(), z.unknown()).openapi({
        example: { issues: [{ path: "query.limit", message: "Too big: expected number to be <=1000" }] },
      }),
      request_id: z.string().openapi({ example: "req_3f1c2a9e-6b1d-4f7a-9a57-2f0d5c8e1b44" }),
    }),
  })
  .openapi("Error");

/**
 * The rate-limit headers every `/api/v1` response carries (README, "Rate limits"), as OpenAPI
 * header objects; a route may list them on its success responses with `headers: RATE_LIMIT_HEADERS`.
 */
export const RATE_LIMIT_HEADERS = {
  "X-RateLimit-Limit": {
    description: "The subject's per-minute rate.",
    schema: { type: "integer" as const, example: 60 },
  },
  "X-RateLimit-Remaining": {
    description: "Requests that would pass right now (the smaller of the minute bucket and the category cap).",
    schema: { type: "integer" as const, example: 99 },
  },
  "X-RateLimit-Reset": {
    description: "Epoch seconds when the buckets are full again.",
    schema: { type: "integer" as const, example: 1767225600 },
  },
};

/** Reusable error responses, one per status, registered under `components.responses`. */
export const ERROR_RESPONSES = {
  400: { name: "BadRequest", description: "`validation_error`: the body, query or path fails its schema." },
  401: {
    name: "Unauthorized",
    description:
      "`unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`.",
  },
  403: {
    name: "Forbidden",
    description:
      "`forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`.",
  },
  404: { name: "NotFound", description: "`not_found` (including another account's resource) or `MARKET_001`." },
  409: { name: "Conflict", description: "`conflict`." },
  413: { name: "PayloadTooLarge", description: "`payload_too_large`: body over 1 MiB." },
  422: { name: "Unprocessable", description: "`insufficient_history`, `PORT_001` or `PORT_002`." },
  429: {
    name: "TooManyRequests",
    description: "`rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds).",
    headers: {
      "Retry-After": {
        description: "Seconds to wait before the request can pass.",
        schema: { type: "integer" as const, example: 1 },
      },
      ...RATE_LIMIT_HEADERS,
    },
  },
  500: { name: "InternalError", description: "`internal_error` or `AI_002`; never internals." },
  502: { name: "BadGateway", description: "`MARKET_002`: the upstream exchange is unreachable." },
  503: { name: "Unavailable", description: "`AI_001` or `trading_halted`." },
} as const;

export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/**
 * The `responses` entries of a route for the given error statuses, as references to the shared
 * components. 400, 413, 429 and 500 can happen on every route and are always included.
 * @example responses: { 200: {...}, ...errorResponses(401, 403, 404) }
 */
export function errorResponses(...statuses: ErrorStatus[]) {
  const all = new Set<ErrorStatus>([400, 413, 429, 500, ...statuses]);
  const out: Record<number, { $ref: string }> = {};
  for (const status of [...all].sort()) {
    out[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };
  }
  return out;
}

/** Which codes a status can carry; used to keep `ERROR_RESPONSES` honest in tests. */
export function codesForStatus(status: number): ErrorCode[] {
  return ERROR_CODES.filter((code) => ERROR_STATUS[code] === status);
}

/** ISO 8601 UTC timestamp ending in `Z`. */
export const IsoTime = z.string().openapi({ example: "2026-01-05T00:00:00.000Z", format: "date-time" });

/** Query params shared by list endpoints. */
export const PaginationQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .openapi({ description: "Page size (1-1000, default 100).", example: 100 }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({ description: "Opaque cursor from a previous page's `next_cursor`." }),
});

export const NextCursor = z.string().nullable().openapi({ description: "Cursor of the next page; null at the end." });
