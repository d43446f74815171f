/**
 * `ParapetClient`: named methods for the common operations on top of the typed `request()`.
 * Every parameter and result type is looked up in the generated `paths`, so a change of a route
 * schema reaches these signatures through `npm run client:generate`.
 */
import { ClientCore, type ClientOptions } from "./core";
import { ParapetError } from "./errors";
import type { paths } from "./generated/api";
import type { Session } from "./session";
import { ParapetStream, type StreamEndpoint, type StreamOptions } from "./stream";
import type { CallOptions, HttpMethod, Operation, PathsWith, RequestArgs, SuccessBody } from "./types";

type Op<P extends keyof paths, M extends HttpMethod> = Operation<P, M>;
type Query<P extends keyof paths, M extends HttpMethod = "get"> = Op<P, M>["query"];
type Body<P extends keyof paths, M extends HttpMethod = "post"> = Op<P, M>["body"];
type Result<P extends keyof paths, M extends HttpMethod = "get"> = SuccessBody<Op<P, M>>;

/** Signs a wallet sign-in message: the 64-byte ed25519 signature of the given bytes. */
export type WalletSigner = (message: Uint8Array) => Promise<Uint8Array>;

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * A typed Parapet client for browsers, Node ≥ 20 and Workers.
 * @example
 * const client = new ParapetClient({ baseUrl: "https://api.example.com" });
 * await client.auth.login("ada@example.com", "correct horse battery staple");
 * const { price } = await client.market.price("BTC-USDT");
 */
export class ParapetClient extends ClientCore {
  constructor(options: ClientOptions) {
    super(options);
  }

  /** Account, sessions and sign-in. */
  readonly auth = {
    /** `POST /auth/register`. */
    register: (body: Body<"/api/v1/auth/register">) =>
      this.request("post", "/api/v1/auth/register", { body, auth: false }),
    /** `POST /auth/login`: starts a session the client keeps fresh from now on. */
    login: async (email: string, password: string): Promise<Session> =>
      this.adopt(await this.request("post", "/api/v1/auth/login", { body: { email, password }, auth: false })),
    /**
     * Solana wallet sign-in: fetches a nonce, has `sign` sign the exact message bytes (a wallet's
     * `signMessage`), verifies, and keeps the session.
     */
    signInWithWallet: async (wallet: string, sign: WalletSigner): Promise<Session> => {
      const nonce = await this.request("get", "/api/v1/auth/wallet/nonce", { query: { wallet }, auth: false });
      const signature = await sign(new TextEncoder().encode(nonce.message));
      if (!(signature instanceof Uint8Array) || signature.length !== 64) {
        throw new ParapetError({
          code: "validation_error",
          status: 0,
          message: "The wallet signer must return the 64-byte ed25519 signature.",
        });
      }
      const body = { wallet, message: nonce.message, signature: base64(signature) };
      return this.adopt(await this.request("post", "/api/v1/auth/wallet/verify", { body, auth: false }));
    },
    /** Rotates the session's tokens now (normally automatic). */
    refresh: (): Promise<Session> => this.session.refresh(),
    /** `POST /auth/logout`: clears the session here first, then revokes it on the server. */
    logout: async (): Promise<void> => {
      const session = await this.session.get();
      await this.session.set(null);
      if (!session) return;
      // Safe to repeat: an already revoked token also gets 204 (RFC 7009).
      await this.request("post", "/api/v1/auth/logout", {
        body: { refresh_token: session.refresh_token },
        auth: false,
        idempotent: true,
      });
    },
    /** `GET /me`: who the credential belongs to and its scopes. */
    me: (): Promise<Result<"/api/v1/me">> => this.request("get", "/api/v1/me"),
  };

  /** API keys (signed automatically when the client itself uses an API key). */
  readonly keys = {
    create: (body: Body<"/api/v1/keys">) => this.request("post", "/api/v1/keys", { body }),
    list: () => this.request("get", "/api/v1/keys"),
    get: (key_id: string) => this.request("get", "/api/v1/keys/{key_id}", { path: { key_id } }),
    rotate: (key_id: string) => this.request("post", "/api/v1/keys/{key_id}/rotate", { path: { key_id } }),
    revoke: (key_id: string) => this.request("delete", "/api/v1/keys/{key_id}", { path: { key_id } }),
    usage: (key_id: string, query?: Query<"/api/v1/keys/{key_id}/usage">) =>
      this.request("get", "/api/v1/keys/{key_id}/usage", { path: { key_id }, query }),
  };

  /** Market data (public: works without credentials, at the anonymous rate). */
  readonly market = {
    symbols: (query?: Query<"/api/v1/market/symbols">) => this.request("get", "/api/v1/market/symbols", { query }),
    price: (symbol: string) => this.request("get", "/api/v1/market/price/{symbol}", { path: { symbol } }),
    history: (symbol: string, query?: Query<"/api/v1/market/history/{symbol}">) =>
      this.request("get", "/api/v1/market/history/{symbol}", { path: { symbol }, query }),
    orderbook: (symbol: string, query?: Query<"/api/v1/market/orderbook/{symbol}">) =>
      this.request("get", "/api/v1/market/orderbook/{symbol}", { path: { symbol }, query }),
    /** `POST /market/ingest` (`write:ingest`); retried like a read, since re-sent items replace themselves. */
    ingest: (body: Body<"/api/v1/market/ingest">, options: CallOptions = {}) =>
      this.request("post", "/api/v1/market/ingest", { body, idempotent: true, ...options }),
  };

  /** Risk and forecasts (`read:analysis`). */
  readonly analysis = {
    risk: (symbol: string, query?: Query<"/api/v1/analysis/risk/{symbol}">) =>
      this.request("get", "/api/v1/analysis/risk/{symbol}", { path: { symbol }, query }),
    prediction: (symbol: string, query?: Query<"/api/v1/analysis/prediction/{symbol}">) =>
      this.request("get", "/api/v1/analysis/prediction/{symbol}", { path: { symbol }, query }),
  };

  /** Balance and positions (`read:portfolio`); opening and closing need `write:trading` and are signed with an API key. */
  readonly portfolio = {
    balance: () => this.request("get", "/api/v1/portfolio/balance"),
    positions: (query?: Query<"/api/v1/portfolio/positions">) =>
      this.request("get", "/api/v1/portfolio/positions", { query }),
    position: (position_id: string) =>
      this.request("get", "/api/v1/portfolio/positions/{position_id}", { path: { position_id } }),
    /** Opens a position; an `Idempotency-Key` is set (or pass your own) and kept across retries, so a retry never opens a second one. */
    open: (body: Body<"/api/v1/portfolio/positions">, options: Pick<CallOptions, "idempotencyKey" | "signal"> = {}) =>
      this.request("post", "/api/v1/portfolio/positions", { body, ...options }),
    /** Closes a position (with an `Idempotency-Key`, so a retry gets the close's answer, not 409). */
    close: (position_id: string, options: Pick<CallOptions, "idempotencyKey" | "signal"> = {}) =>
      this.request("delete", "/api/v1/portfolio/positions/{position_id}", { path: { position_id }, ...options }),
  };

  /** Solana token monitoring: monitors (`write:monitor` to change, `read:tokens` to read), anomalies and analysis. */
  readonly tokens = {
    /** `POST /monitor`: starts (or re-times) monitoring; one id per address, in order. */
    monitor: (body: Body<"/api/v1/monitor">) => this.request("post", "/api/v1/monitor", { body, idempotent: true }),
    /** `GET /monitor`: the caller's monitors, oldest first. */
    monitors: (query?: Query<"/api/v1/monitor">) => this.request("get", "/api/v1/monitor", { query }),
    /** `DELETE /monitor/{id}`: stops one monitor. */
    unmonitor: (monitoring_id: string) =>
      this.request("delete", "/api/v1/monitor/{monitoring_id}", { path: { monitoring_id } }),
    /** `GET /anomalies`, newest first. */
    anomalies: (query?: Query<"/api/v1/anomalies">) => this.request("get", "/api/v1/anomalies", { query }),
    /** `GET /token/{address}/analysis`: metrics, anomalies and the combined risk score. */
    analysis: (token_address: string, query?: Query<"/api/v1/token/{token_address}/analysis">) =>
      this.request("get", "/api/v1/token/{token_address}/analysis", { path: { token_address }, query }),
  };

  /** The audit log (`read:audit`): your own entries; an admin's cover every account. */
  readonly audit = {
    logs: (query?: Query<"/api/v1/audit-logs">) => this.request("get", "/api/v1/audit-logs", { query }),
  };

  /** Administration (`admin`). Key suspension is signed when the client uses an API key. */
  readonly admin = {
    suspendKey: (key_id: string, body?: Body<"/api/v1/admin/keys/{key_id}/suspend">) =>
      this.request("post", "/api/v1/admin/keys/{key_id}/suspend", { path: { key_id }, body }),
    unsuspendKey: (key_id: string) =>
      this.request("post", "/api/v1/admin/keys/{key_id}/unsuspend", { path: { key_id } }),
    blockIp: (body: Body<"/api/v1/admin/ip-blocks">) => this.request("post", "/api/v1/admin/ip-blocks", { body }),
    ipBlocks: () => this.request("get", "/api/v1/admin/ip-blocks"),
    unblockIp: (block_id: string) =>
      this.request("delete", "/api/v1/admin/ip-blocks/{block_id}", { path: { block_id } }),
    tradingHalt: () => this.request("get", "/api/v1/admin/trading-halt"),
    setTradingHalt: (body: Body<"/api/v1/admin/trading-halt", "put">) =>
      this.request("put", "/api/v1/admin/trading-halt", { body }),
    securityEvents: (query?: Query<"/api/v1/admin/security-events">) =>
      this.request("get", "/api/v1/admin/security-events", { query }),
    verifyAudit: () => this.request("get", "/api/v1/admin/audit/verify"),
  };

  /**
   * Every page of a cursor-paginated list, following `next_cursor` until it is null.
   * @example for await (const page of client.pages("get", "/api/v1/market/history/{symbol}", { path: { symbol } })) …
   */
  async *pages<P extends PathsWith<"get">>(
    method: "get",
    path: P,
    ...[options]: RequestArgs<Operation<P, "get">>
  ): AsyncGenerator<SuccessBody<Operation<P, "get">>> {
    // biome-ignore lint/suspicious/noExplicitAny: the cursor is threaded through any list route's query.
    const base = (options ?? {}) as any;
    let cursor: string | null | undefined = base.query?.cursor;
    do {
      // biome-ignore lint/suspicious/noExplicitAny: as above.
      const page: any = await (this.request as any)(method, path, { ...base, query: { ...base.query, cursor } });
      yield page;
      cursor = page?.next_cursor ?? null;
    } while (cursor);
  }

  /**
   * A WebSocket stream of `/ws/market` or `/ws/alerts` that pings, reconnects with backoff and
   * re-subscribes. Node 20 has no global WebSocket: pass one (`import WebSocket from "ws"`).
   * @example const stream = client.stream("market", { WebSocket }); stream.subscribe({ channel: "market", symbols: ["BTC-USDT"] });
   */
  stream(endpoint: StreamEndpoint, options: StreamOptions = {}): ParapetStream {
    const credentials = {
      token: () => this.streamToken(),
      // An API key cannot be renewed here; a session's access token can.
      renew: async (stale: string) =>
        this.apiKey ? this.apiKey.key : (await this.session.refresh(stale)).access_token,
    };
    return new ParapetStream(this.baseUrl, endpoint, credentials, options);
  }
}
