import type { components } from "./generated/api";

/** Every error code the service answers with (API.md "Errors"). */
export type ServerErrorCode = components["schemas"]["Error"]["error"]["code"];

/**
 * Codes the client produces itself, when there is no error envelope to read: `network_error`
 * (no answer: DNS, TLS, connection reset), `aborted` (the caller's signal), `invalid_response`
 * (an answer that is not the API's JSON), `signing_secret_missing` (a call that must be signed,
 * made with an API key but no secret), `session_missing` (a refresh without a session).
 */
export type ClientErrorCode =
  | "network_error"
  | "aborted"
  | "invalid_response"
  | "signing_secret_missing"
  | "session_missing";

/** Fields of a `ParapetError`. */
export interface ParapetErrorInit {
  code: ServerErrorCode | ClientErrorCode;
  status: number;
  message: string;
  details?: Record<string, unknown>;
  request_id?: string | null;
  retry_after?: number | null;
  cause?: unknown;
}

/**
 * Every failure of the client: the API's error envelope (`code`, `status`, `message`, `details`,
 * `request_id`) or a client-side code with `status` 0. `retry_after` (seconds) comes from a
 * 429's `Retry-After`.
 * @example try { await client.market.price("BTC-USDT") } catch (e) { if (e instanceof ParapetError && e.code === "MARKET_001") … }
 */
export class ParapetError extends Error {
  override readonly name: string = "ParapetError";
  readonly code: ServerErrorCode | ClientErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;
  readonly request_id: string | null;
  readonly retry_after: number | null;

  constructor(init: ParapetErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.details = init.details ?? {};
    this.request_id = init.request_id ?? null;
    this.retry_after = init.retry_after ?? null;
  }

  /** Reads the error envelope of a non-2xx response (or describes a response that has none). */
  static async fromResponse(response: Response): Promise<ParapetError> {
    const headerId = response.headers.get("x-request-id");
    const retryAfter = Number(response.headers.get("retry-after"));
    const retry_after =
      Number.isFinite(retryAfter) && retryAfter >= 0 && response.headers.has("retry-after") ? retryAfter : null;
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    const envelope = (body as { error?: Record<string, unknown> } | undefined)?.error;
    if (envelope && typeof envelope.code === "string") {
      return new ParapetError({
        code: envelope.code as ServerErrorCode,
        status: response.status,
        message: typeof envelope.message === "string" ? envelope.message : `HTTP ${response.status}`,
        details: isRecord(envelope.details) ? envelope.details : {},
        request_id: typeof envelope.request_id === "string" ? envelope.request_id : headerId,
        retry_after,
      });
    }
    return new ParapetError({
      code: "invalid_response",
      status: response.status,
      message: `HTTP ${response.status} without the API's error body.`,
      request_id: headerId,
      retry_after,
    });
  }
}

/**
 * The session is over: its refresh failed (`refresh_token_reused`, `invalid_token`, …) or there
 * is none. The client has already cleared it; log in again.
 */
export class SessionEndedError extends ParapetError {
  override readonly name = "SessionEndedError";
}

/** True when `error` is a `ParapetError` (with `code`, when given). */
export function isParapetError(error: unknown, code?: ParapetError["code"]): error is ParapetError {
  return error instanceof ParapetError && (code === undefined || error.code === code);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
