import { DurableObject } from "cloudflare:workers";
import { AuthFailureWindow } from "./auth-failures";

/**
 * One subject's rate-limit state (an API key, a user, or an anonymous IP).
 * The bucket logic arrives with the rate-limiting issue; for now it answers health probes and
 * counts an IP's authentication failures.
 */
export class RateLimiter extends DurableObject<Env> {
  private readonly authFailures: AuthFailureWindow;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.authFailures = new AuthFailureWindow(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => this.authFailures.ensureSchema());
  }

  /** Liveness probe used by `GET /health`. */
  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Counts one authentication failure of this IP; reports a burst once (see AuthFailureWindow). */
  noteAuthFailure(input: { windowMs: number; threshold: number }): { failures: number; burst: boolean } {
    return this.authFailures.note(Date.now(), input.windowMs, input.threshold);
  }
}
