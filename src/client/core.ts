/**
 * The client's transport: one typed `request()` that adds credentials (a session's access token,
 * or an API key that signs critical calls), refreshes a session once on `token_expired`, retries
 * what is safe to retry with jittered backoff honouring `Retry-After`, and turns every failure
 * into a `ParapetError`.
 */
import { ParapetError } from "./errors";
import {
  DEFAULT_RETRY,
  isIdempotentMethod,
  isRetryableAnswer,
  parseRetryAfter,
  type RetryPolicy,
  retryDelay,
  withinBudget,
} from "./retry";
import { memorySessionStore, type Session, SessionManager, type SessionStore, type TokenPair } from "./session";
import { importSigningKey, needsSignature, type SigningKey, signatureHeaders } from "./signing";
import type { CallOptions, HttpMethod, Operation, PathsWith, RequestArgs, RequestOptions, SuccessBody } from "./types";

/** A `fetch`: the global one by default; tests pass the Worker's own. */
export type FetchLike = (request: Request) => Promise<Response>;

/** An API key, with its signing secret for critical calls. */
export interface ApiKeyCredentials {
  key: string;
  /** The `api_secret` shown with the key; without it, calls that must be signed fail before sending. */
  secret?: string;
}

/** Options of a client. */
export interface ClientOptions {
  /** Where the API is, e.g. `https://api.example.com` (no `/api/v1`). */
  baseUrl: string;
  /** Use an API key instead of a session. */
  apiKey?: ApiKeyCredentials;
  /** Where the session is kept (memory by default). */
  sessionStore?: SessionStore;
  /** Refresh an access token this long before it expires (default 30 s). */
  refreshMarginMs?: number;
  /** Default retry bounds (`false`: never retry). */
  retry?: Partial<RetryPolicy> | false;
  fetch?: FetchLike;
  /** Clock (epoch ms) for expiry and signing timestamps. */
  now?: () => number;
  /** How the client waits between attempts (tests observe it). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Random source for jitter, in [0, 1). */
  random?: () => number;
}

const encoder = new TextEncoder();

/**
 * Trading writes, which take an `Idempotency-Key` the client sets itself: opening a position
 * (a repeat would open a second one) and closing one (a repeat would get 409 instead of the close).
 */
export function takesIdempotencyKey(method: string, pathname: string): boolean {
  if (method === "POST") return pathname === "/api/v1/portfolio/positions";
  return method === "DELETE" && /^\/api\/v1\/portfolio\/positions\/[^/]+$/.test(pathname);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The path with `{name}` segments filled in (each value URL-encoded). */
export function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === "") {
      throw new ParapetError({
        code: "validation_error",
        status: 0,
        message: `The path parameter ${name} is missing.`,
      });
    }
    return encodeURIComponent(String(value));
  });
}

/** Adds a query object to a URL, skipping undefined values and repeating array entries. */
export function addQuery(url: URL, query: Record<string, unknown> | undefined): void {
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
  }
}

/** The typed transport every client method goes through. */
export class ClientCore {
  readonly baseUrl: string;
  readonly session: SessionManager;
  protected readonly apiKey: ApiKeyCredentials | undefined;
  protected readonly now: () => number;
  private readonly fetchImpl: FetchLike;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly retry: RetryPolicy | false;
  private signingKey: Promise<SigningKey> | undefined;
  /** Server time minus local time, learned from a `signature_expired` answer. */
  private clockOffsetMs = 0;

  constructor(options: ClientOptions) {
    const base = new URL(options.baseUrl);
    if (base.protocol !== "https:" && base.protocol !== "http:") throw new TypeError("baseUrl must be an http(s) URL");
    this.baseUrl = base.toString().replace(/\/+$/, "");
    this.apiKey = options.apiKey;
    this.now = options.now ?? (() => Date.now());
    this.fetchImpl = options.fetch ?? ((request) => fetch(request));
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.retry = options.retry === false ? false : { ...DEFAULT_RETRY, ...options.retry };
    this.session = new SessionManager(
      options.sessionStore ?? memorySessionStore(),
      (refresh_token) => this.refreshPair(refresh_token),
      this.now,
      options.refreshMarginMs ?? 30_000,
    );
  }

  /**
   * Calls any route with its typed path parameters, query and body; resolves with the typed
   * success body, rejects with `ParapetError`.
   * @example await client.request("get", "/api/v1/market/price/{symbol}", { path: { symbol: "BTC-USDT" } })
   */
  request<M extends HttpMethod, P extends PathsWith<M>>(
    method: M,
    path: P,
    ...[options]: RequestArgs<Operation<P, M>>
  ): Promise<SuccessBody<Operation<P, M>>> {
    const opts = (options ?? {}) as RequestOptions<Operation<P, M>>;
    const url = new URL(`${this.baseUrl}${fillPath(path, opts.path as Record<string, unknown> | undefined)}`);
    addQuery(url, opts.query as Record<string, unknown> | undefined);
    return this.send(method.toUpperCase(), url, opts.body, opts) as Promise<SuccessBody<Operation<P, M>>>;
  }

  /** Sends one call with credentials, refresh and retries (see the class comment). */
  protected async send(method: string, url: URL, body: unknown, options: CallOptions): Promise<unknown> {
    const bytes = body === undefined ? undefined : encoder.encode(JSON.stringify(body));
    const idempotencyKey =
      options.idempotencyKey ?? (takesIdempotencyKey(method, url.pathname) ? newIdempotencyKey() : undefined);
    const repeatable = isIdempotentMethod(method) || idempotencyKey !== undefined || options.idempotent === true;
    const policy = options.retry === false || this.retry === false ? false : { ...this.retry, ...options.retry };
    const started = this.now();
    let refreshed = false;
    let resynced = false;
    for (let attempt = 1; ; attempt++) {
      const headers = new Headers(options.headers);
      headers.set("accept", "application/json");
      if (bytes) headers.set("content-type", "application/json");
      if (idempotencyKey) headers.set("idempotency-key", idempotencyKey);
      const token = options.auth === false ? undefined : await this.authorize(headers, method, url, bytes);
      let response: Response;
      try {
        response = await this.fetchImpl(
          new Request(url, {
            method,
            headers,
            ...(bytes ? { body: bytes } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          }),
        );
      } catch (cause) {
        if (options.signal?.aborted) {
          throw new ParapetError({ code: "aborted", status: 0, message: "The call was aborted.", cause });
        }
        const error = new ParapetError({
          code: "network_error",
          status: 0,
          message: `No answer from ${url.origin}: ${describeFailure(cause)}`,
          cause,
        });
        await this.waitOrThrow(error, repeatable, policy, attempt, null, started, options.signal);
        continue;
      }
      if (response.ok) return readBody(response);
      const error = await ParapetError.fromResponse(response);
      if ((error.code === "token_expired" || error.code === "invalid_token") && token !== undefined && !refreshed) {
        // Not an attempt of its own: the request never reached a handler. A refresh also ends a
        // revoked session for good (SessionEndedError) instead of failing every later call.
        refreshed = true;
        await this.session.refresh(token);
        attempt--;
        continue;
      }
      if (error.code === "signature_expired" && !resynced && typeof error.details.server_time === "number") {
        // The local clock is off: sign with the server's time from now on, and try once more.
        resynced = true;
        this.clockOffsetMs = error.details.server_time - this.now();
        attempt--;
        continue;
      }
      if (!isRetryableAnswer(error.status, error.code)) throw error;
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), this.now());
      await this.waitOrThrow(error, repeatable, policy, attempt, retryAfter, started, options.signal);
    }
  }

  /** Waits before the next attempt, or throws `error` when the call may not or need not be repeated. */
  private async waitOrThrow(
    error: ParapetError,
    repeatable: boolean,
    policy: RetryPolicy | false,
    attempt: number,
    retryAfterMs: number | null,
    started: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (!repeatable || policy === false) throw error;
    const delay = retryDelay(attempt, retryAfterMs, policy, this.random);
    if (!withinBudget(attempt, delay, this.now() - started, policy)) throw error;
    try {
      await this.sleep(delay, signal);
    } catch (cause) {
      throw new ParapetError({ code: "aborted", status: 0, message: "The call was aborted.", cause });
    }
  }

  /** Sets the credential headers; returns the access token used, if any (to refresh it on `token_expired`). */
  private async authorize(headers: Headers, method: string, url: URL, body: Uint8Array | undefined) {
    if (this.apiKey) {
      headers.set("x-api-key", this.apiKey.key);
      if (!needsSignature(method, url.pathname)) return undefined;
      if (!this.apiKey.secret) {
        throw new ParapetError({
          code: "signing_secret_missing",
          status: 0,
          message: `${method} ${url.pathname} must be signed: give the client the key's api_secret.`,
        });
      }
      this.signingKey ??= importSigningKey(this.apiKey.secret);
      const signed = await signatureHeaders(
        await this.signingKey,
        method,
        `${url.pathname}${url.search}`,
        body,
        this.now() + this.clockOffsetMs,
      );
      for (const [name, value] of Object.entries(signed)) headers.set(name, value);
      return undefined;
    }
    const token = await this.session.accessToken();
    if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
    return token;
  }

  /** `POST /auth/refresh`, never retried: a refresh the server applied but we never heard of would be replayed as reuse. */
  private refreshPair(refresh_token: string): Promise<TokenPair> {
    return this.request("post", "/api/v1/auth/refresh", { body: { refresh_token }, auth: false, retry: false });
  }

  /** The credential for a WebSocket's `?token=`: the API key, or a fresh access token. */
  async streamToken(): Promise<string | undefined> {
    return this.apiKey ? this.apiKey.key : this.session.accessToken();
  }

  /** Stores the session of a token pair (after login or wallet sign-in). */
  protected async adopt(pair: TokenPair): Promise<Session> {
    const session = { access_token: pair.access_token, refresh_token: pair.refresh_token, expires_at: pair.expires_at };
    await this.session.set(session);
    return session;
  }
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    try {
      return await response.json();
    } catch (cause) {
      throw new ParapetError({
        code: "invalid_response",
        status: response.status,
        message: "The answer is not valid JSON.",
        request_id: response.headers.get("x-request-id"),
        cause,
      });
    }
  }
  return response.text();
}

/** A network failure's message, with the system error code behind it when there is one (`ECONNREFUSED`). */
function describeFailure(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? `${cause.message} (${code})` : cause.message;
}

function newIdempotencyKey(): string {
  return `idem_${crypto.randomUUID()}`;
}
