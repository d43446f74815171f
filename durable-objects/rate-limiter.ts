import { DurableObject } from "cloudflare:workers";
import { logger } from "../src/lib/log";
import {
  type CheckInput,
  type Decision,
  decide,
  emptyState,
  quietAt,
  type SubjectState,
} from "../src/services/ratelimit/decide";
import { AuthFailureWindow } from "./auth-failures";
import { absorb, isPending, nothingPending, type Pending, SubjectStore } from "./rate-limiter-store";
import { SeenSignatures } from "./seen-signatures";

/** How long a subject stays stored after it has gone quiet, so brief pauses do not churn storage. */
export const IDLE_GRACE_MS = 60_000;

/**
 * How long changes may sit in memory before they are written to SQLite. Every write holds the
 * object's responses until it is durable (output gate), a few milliseconds per commit; coalescing
 * keeps that off the request path. Eviction only follows long idleness, so it loses nothing.
 */
export const FLUSH_DELAY_MS = 50;

/**
 * One subject's rate-limit state (an API key, a user, or an anonymous IP), named
 * `key:<key_id>`, `user:<user_id>` or `ip:<address>`.
 *
 * Memory is authoritative and every decision is made there, one call at a time. Changes reach
 * SQLite within `FLUSH_DELAY_MS` (a pause at once), so an evicted object resumes exactly where
 * it stopped; a crash or deploy inside that window forgets at most those milliseconds of
 * admissions, never a pause. An alarm deletes the storage once the subject is
 * indistinguishable from a new one (buckets full, no pause to remember).
 *
 * Other per-subject concerns belong here as further RPC methods beside `check`, each with its
 * own tables and its own term in `quietUntil`: an API key's object also keeps the replay store
 * of its signed requests (`claimSignature`), an IP's object its authentication failures
 * (`noteAuthFailure`).
 */
export class RateLimiter extends DurableObject<Env> {
  private state: SubjectState = emptyState();
  private readonly store: SubjectStore;
  private readonly signatures: SeenSignatures;
  private readonly authFailures: AuthFailureWindow;
  private pending: Pending = nothingPending();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The scheduled alarm (epoch ms), null when none is set. */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SubjectStore(ctx.storage.sql);
    this.signatures = new SeenSignatures(ctx.storage.sql);
    this.authFailures = new AuthFailureWindow(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      this.store.ensureSchema();
      this.signatures.load();
      this.authFailures.load();
      this.state = this.store.load();
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** Liveness probe used by `GET /health`. */
  async ping(): Promise<"pong"> {
    return "pong";
  }

  /**
   * Decides one request against every limit of the subject at once. Synchronous on purpose: a
   * method that never awaits runs to completion before the next call starts, so N concurrent
   * requests against a bucket of B tokens admit exactly B.
   */
  check(input: CheckInput): Decision {
    const now = Date.now();
    const { decision, changes } = decide(this.state, input, now);
    absorb(this.pending, changes);
    if (decision.suspension?.started) {
      this.flush(); // a pause must survive any restart
    } else if (this.flushTimer === null && isPending(this.pending)) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
    }
    if (this.alarmAt === null) {
      // Not awaited: the alarm write is ordered before the response by the output gate.
      this.scheduleCleanup(Math.max(this.quietUntil(), now) + IDLE_GRACE_MS).catch((err: unknown) => {
        this.alarmAt = null;
        logger.error("rate_limiter_alarm_failed", { error: err instanceof Error ? err.message : String(err) });
      });
    }
    return decision;
  }

  /**
   * Admits a signed request's signature once until `expiresAt` (epoch ms); false when it was
   * seen before. Synchronous, like `check`, so of two identical concurrent requests one wins.
   */
  claimSignature(signature: string, expiresAt: number): boolean {
    const now = Date.now();
    const fresh = this.signatures.claim(signature, expiresAt, now);
    if (this.alarmAt === null) {
      this.scheduleCleanup(Math.max(this.quietUntil(), now) + IDLE_GRACE_MS).catch((err: unknown) => {
        this.alarmAt = null;
        logger.error("rate_limiter_alarm_failed", { error: err instanceof Error ? err.message : String(err) });
      });
    }
    return fresh;
  }

  /**
   * Counts one failed authentication of this IP inside `windowMs`; `burst` is true for exactly
   * the failure that reaches `threshold` (the count then starts again). Synchronous, like `check`.
   */
  noteAuthFailure(input: { windowMs: number; threshold: number }): { failures: number; burst: boolean } {
    const now = Date.now();
    const result = this.authFailures.note(now, input.windowMs, input.threshold);
    if (this.alarmAt === null) {
      this.scheduleCleanup(Math.max(this.quietUntil(), now) + IDLE_GRACE_MS).catch((err: unknown) => {
        this.alarmAt = null;
        logger.error("rate_limiter_alarm_failed", { error: err instanceof Error ? err.message : String(err) });
      });
    }
    return result;
  }

  /** Deletes the subject's storage once it is quiet; otherwise looks again when it should be. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const quiet = this.quietUntil();
    if (now < quiet) {
      await this.scheduleCleanup(quiet + IDLE_GRACE_MS);
      return;
    }
    this.cancelFlush();
    this.pending = nothingPending();
    this.state = emptyState();
    this.alarmAt = null;
    this.store.forget();
    this.signatures.forget();
    this.authFailures.forget();
    await this.ctx.storage.deleteAll();
  }

  /** Writes pending changes to SQLite in one transaction. */
  private flush(): void {
    this.cancelFlush();
    if (!isPending(this.pending)) return;
    try {
      this.store.ensureSchema();
      this.store.save(this.state, this.pending);
      this.pending = nothingPending();
    } catch (err) {
      // Memory stays authoritative; the next change tries again.
      logger.error("rate_limiter_flush_failed", { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private cancelFlush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  /** Epoch ms after which forgetting this subject changes no future decision. */
  private quietUntil(): number {
    return Math.max(quietAt(this.state), this.signatures.quietUntil(), this.authFailures.quietUntil());
  }

  private scheduleCleanup(at: number): Promise<void> {
    this.alarmAt = at;
    return this.ctx.storage.setAlarm(at);
  }
}
