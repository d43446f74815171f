/**
 * The Parapet client SDK (`parapet/client`): a typed client with sessions that refresh
 * themselves, API keys that sign critical calls, safe retries, and self-healing WebSocket streams.
 * @example
 * import { ParapetClient } from "parapet/client";
 * const client = new ParapetClient({ baseUrl: "https://api.example.com" });
 */
export { ParapetClient, type WalletSigner } from "./client";
export { type ApiKeyCredentials, addQuery, ClientCore, type ClientOptions, type FetchLike, fillPath } from "./core";
export { type ClientErrorCode, isParapetError, ParapetError, type ServerErrorCode, SessionEndedError } from "./errors";
export type { components, paths } from "./generated/api";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry";
export { memorySessionStore, type Session, type SessionStore, sessionOf, type TokenPair } from "./session";
export { importSigningKey, needsSignature, signatureHeaders } from "./signing";
export {
  ParapetStream,
  type StreamCredentials,
  type StreamEndpoint,
  type StreamEvents,
  type StreamMessage,
  type StreamOptions,
  type Subscription,
  streamUrl,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./stream";
export type { CallOptions, HttpMethod, Operation, PathsWith, RequestOptions, Schemas, SuccessBody } from "./types";
