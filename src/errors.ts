import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every error code of the public contract (`shared/API.md`, "Errors"), with its HTTP status.
 * Business codes (`MARKET_001`…) are members of the same map.
 */
export const ERROR_STATUS = {
  validation_error: 400,
  unauthorized: 401,
  invalid_token: 401,
  token_expired: 401,
  invalid_api_key: 401,
  invalid_credentials: 401,
  invalid_signature: 401,
  signature_expired: 401,
  replayed_request: 401,
  refresh_token_reused: 401,
  forbidden: 403,
  ip_not_allowed: 403,
  country_not_allowed: 403,
  ip_blocked: 403,
  key_suspended: 403,
  https_required: 403,
  not_found: 404,
  MARKET_001: 404,
  conflict: 409,
  payload_too_large: 413,
  insufficient_history: 422,
  PORT_001: 422,
  PORT_002: 422,
  rate_limit_exceeded: 429,
  temporarily_suspended: 429,
  internal_error: 500,
  AI_002: 500,
  MARKET_002: 502,
  AI_001: 503,
  trading_halted: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  validation_error: "The request is not valid.",
  unauthorized: "Authentication is required.",
  invalid_token: "The access token is not valid.",
  token_expired: "The access token has expired.",
  invalid_api_key: "The API key is not valid.",
  invalid_credentials: "The credentials are not valid.",
  invalid_signature: "The request signature is not valid.",
  signature_expired: "The request timestamp is outside the allowed window.",
  replayed_request: "This signed request was already used.",
  refresh_token_reused: "The refresh token was already used; the session has been revoked.",
  forbidden: "You do not have permission to do this.",
  ip_not_allowed: "This API key may not be used from this IP address.",
  country_not_allowed: "This API key may not be used from this country.",
  ip_blocked: "Requests from this IP address are blocked.",
  key_suspended: "This API key is suspended.",
  https_required: "HTTPS is required.",
  not_found: "Not found.",
  MARKET_001: "Unknown symbol.",
  conflict: "The request conflicts with the current state.",
  payload_too_large: "The request body is larger than 1 MiB.",
  insufficient_history: "Not enough history for this request.",
  PORT_001: "Insufficient balance for this position's margin.",
  PORT_002: "Position limit exceeded.",
  rate_limit_exceeded: "Rate limit exceeded.",
  temporarily_suspended: "Too many refused requests; temporarily suspended.",
  internal_error: "An unexpected error occurred.",
  AI_002: "Prediction failed.",
  MARKET_002: "The upstream exchange could not be reached.",
  AI_001: "No trained model is available for this symbol.",
  trading_halted: "Trading is halted.",
};

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details: Record<string, unknown>;
    request_id: string;
  };
}

/**
 * The one error type of the service. Thrown anywhere, it leaves as the error envelope.
 * @example throw new ApiError("MARKET_001", `Unknown symbol ${symbol}`)
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message ?? DEFAULT_MESSAGES[code]);
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}

/** Builds the error envelope of API.md. */
export function errorBody(err: ApiError, requestId: string): ErrorBody {
  return {
    error: { code: err.code, message: err.message, details: err.details, request_id: requestId },
  };
}

/** A `Response` carrying the error envelope, for places outside the Hono app (e.g. WebSocket upgrades). */
export function errorResponse(err: ApiError, requestId: string): Response {
  return new Response(JSON.stringify(errorBody(err, requestId)), {
    status: err.status,
    headers: { "content-type": "application/json; charset=UTF-8", ...err.headers },
  });
}
