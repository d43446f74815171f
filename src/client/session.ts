/**
 * A logged-in session: the token pair, refreshed before the access token expires and when the
 * server answers `token_expired`, one refresh at a time however many calls need it.
 */
import { ParapetError, SessionEndedError } from "./errors";
import type { components } from "./generated/api";

/** The token pair as the API returns it (`POST /auth/login`, `/auth/refresh`, `/auth/wallet/verify`). */
export type TokenPair = components["schemas"]["TokenPair"];

/** What the client keeps of a token pair. */
export interface Session {
  access_token: string;
  refresh_token: string;
  /** ISO time the access token expires. */
  expires_at: string;
}

/**
 * Where the session lives between calls (memory by default; the CLI's is its config file).
 * `lock`, when given, runs a refresh exclusively across every holder of the same store (other
 * processes too), so two of them never present the same refresh token: the second would be
 * taken for a thief (`refresh_token_reused`) and end the session.
 */
export interface SessionStore {
  load(): Session | null | Promise<Session | null>;
  save(session: Session | null): void | Promise<void>;
  lock?<T>(run: () => Promise<T>): Promise<T>;
}

/** A store in memory, optionally seeded. */
export function memorySessionStore(initial: Session | null = null): SessionStore {
  let session = initial;
  return {
    load: () => session,
    save: (next) => {
      session = next;
    },
  };
}

/** The part of a token pair a session keeps. */
export function sessionOf(pair: TokenPair): Session {
  return { access_token: pair.access_token, refresh_token: pair.refresh_token, expires_at: pair.expires_at };
}

/** Keeps a session fresh: proactive refresh `marginMs` before expiry, single-flight, cleared when it ends. */
export class SessionManager {
  private current: Session | null | undefined;
  private inflight: Promise<Session> | null = null;

  constructor(
    private readonly store: SessionStore,
    private readonly refreshPair: (refreshToken: string) => Promise<TokenPair>,
    private readonly now: () => number,
    private readonly marginMs: number,
  ) {}

  /** The session, read from the store once and then kept. */
  async get(): Promise<Session | null> {
    if (this.current === undefined) this.current = (await this.store.load()) ?? null;
    return this.current;
  }

  /** Stores a new session (after a login) or clears it (`null`). */
  async set(session: Session | null): Promise<void> {
    this.current = session;
    await this.store.save(session);
  }

  /** True when the access token expires within the margin (or its expiry cannot be read). */
  expiresSoon(session: Session): boolean {
    const expiry = Date.parse(session.expires_at);
    return Number.isNaN(expiry) || this.now() >= expiry - this.marginMs;
  }

  /** An access token to send, refreshed first when it is about to expire; undefined without a session. */
  async accessToken(): Promise<string | undefined> {
    const session = await this.get();
    if (!session) return undefined;
    if (this.inflight) return (await this.inflight).access_token;
    if (!this.expiresSoon(session)) return session.access_token;
    return (await this.refresh(session.access_token)).access_token;
  }

  /**
   * Refreshes the session unless that already happened since `staleAccessToken` was handed out
   * (then the newer session is returned). Concurrent callers share one refresh. A refresh the
   * server refuses with 401 (`refresh_token_reused`, `invalid_token`) clears the session and
   * throws `SessionEndedError`; other failures (network, 429) leave the session as it was.
   */
  refresh(staleAccessToken?: string): Promise<Session> {
    if (this.inflight) return this.inflight;
    const current = this.current;
    if (
      current &&
      staleAccessToken !== undefined &&
      current.access_token !== staleAccessToken &&
      !this.expiresSoon(current)
    ) {
      return Promise.resolve(current);
    }
    const run = () => this.rotate(staleAccessToken);
    this.inflight = (this.store.lock ? this.store.lock(run) : run()).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async rotate(staleAccessToken: string | undefined): Promise<Session> {
    // Another holder of the store (another process, under the lock) may have refreshed already.
    const stored = (await this.store.load()) ?? null;
    const newer = stored && staleAccessToken !== undefined && stored.access_token !== staleAccessToken;
    if (stored && newer && !this.expiresSoon(stored)) {
      this.current = stored;
      return stored;
    }
    const base = stored ?? this.current ?? null;
    if (!base) {
      throw new SessionEndedError({
        code: "session_missing",
        status: 0,
        message: "Not logged in: there is no session to refresh.",
      });
    }
    let pair: TokenPair;
    try {
      pair = await this.refreshPair(base.refresh_token);
    } catch (error) {
      if (error instanceof ParapetError && error.status === 401) {
        await this.set(null);
        throw new SessionEndedError({
          code: error.code,
          status: error.status,
          message: `The session has ended (${error.code}): log in again. ${error.message}`,
          details: error.details,
          request_id: error.request_id,
          cause: error,
        });
      }
      throw error;
    }
    const next = sessionOf(pair);
    await this.set(next);
    return next;
  }
}
