import { DurableObject } from "cloudflare:workers";

/**
 * One subject's rate-limit state (an API key, a user, or an anonymous IP).
 * The bucket logic arrives with the rate-limiting issue; for now it answers health probes.
 */
export class RateLimiter extends DurableObject<Env> {
  /** Liveness probe used by `GET /health`. */
  async ping(): Promise<"pong"> {
    return "pong";
  }
}
