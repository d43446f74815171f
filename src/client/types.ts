/**
 * Request and response types of any route, derived from the generated `paths` (which come from
 * the route schemas through `/openapi.json`): nothing here names a field of the API.
 */
import type { components, paths } from "./generated/api";
import type { RetryPolicy } from "./retry";

/** Named schemas of the API (`Schemas["MarketPrice"]`, …). */
export type Schemas = components["schemas"];

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

/** The paths that have an operation for `method`. */
export type PathsWith<M extends HttpMethod> = {
  [P in keyof paths]: paths[P] extends Record<M, unknown> ? P : never;
}[keyof paths];

/** The shape every generated operation has. */
export interface OperationShape {
  path: unknown;
  query: unknown;
  body: unknown;
  responses: Record<string, unknown>;
}

/** The operation of `path` for `method`. */
export type Operation<P extends keyof paths, M extends HttpMethod> =
  paths[P] extends Record<M, infer O> ? (O extends OperationShape ? O : never) : never;

type SuccessStatus = "200" | "201" | "202" | "204";

/** The body of an operation's success answer (`undefined` for 204). */
export type SuccessBody<O extends OperationShape> = {
  [S in keyof O["responses"]]: S extends SuccessStatus ? O["responses"][S] : never;
}[keyof O["responses"]];

/** Options every call takes, whatever the route. */
export interface CallOptions {
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * `Idempotency-Key` to send; makes a write safe to retry. `POST /portfolio/positions` gets a
   * fresh one automatically, kept across the retries of the call.
   */
  idempotencyKey?: string;
  /** Declares a write safe to repeat (e.g. market ingest, where re-sent candles replace themselves). */
  idempotent?: boolean;
  /** `false`: send no credentials (public calls, login). */
  auth?: boolean;
  /** Retry bounds for this call, or `false` for a single attempt. */
  retry?: Partial<RetryPolicy> | false;
  signal?: AbortSignal;
}

type PathPart<O extends OperationShape> = [O["path"]] extends [never] ? { path?: undefined } : { path: O["path"] };
type QueryPart<O extends OperationShape> = [O["query"]] extends [never]
  ? { query?: undefined }
  : Record<string, never> extends O["query"]
    ? { query?: O["query"] }
    : { query: O["query"] };
type BodyPart<O extends OperationShape> = [O["body"]] extends [never]
  ? { body?: undefined }
  : undefined extends O["body"]
    ? { body?: O["body"] }
    : { body: O["body"] };

/** Path parameters, query and body of an operation (each required when the route requires it), plus `CallOptions`. */
export type RequestOptions<O extends OperationShape> = CallOptions & PathPart<O> & QueryPart<O> & BodyPart<O>;

/** The options argument: optional when nothing in it is required. */
export type RequestArgs<O extends OperationShape> =
  Record<string, never> extends PathPart<O> & QueryPart<O> & BodyPart<O>
    ? [options?: RequestOptions<O>]
    : [options: RequestOptions<O>];
