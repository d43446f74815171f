import { DurableObject } from "cloudflare:workers";
import { SeenSignatures } from "./seen-signatures";

/**
 * One subject's rate-limit state (an API key, a user, or an anonymous IP).
 * The bucket logic arrives with the rate-limiting issue; for now it answers health probes and
 * keeps the replay store of signed requests for API keys (`key:<key_id>`).
 */
export class RateLimiter extends DurableObject<Env> {
  private readonly signatures: SeenSignatures;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.signatures = new SeenSignatures(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      this.signatures.ensureSchema();
    });
  }

  /** Liveness probe used by `GET /health`. */
  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Admits a request signature once until `expiresAt` (epoch ms): false when it was seen before. */
  claimSignature(signature: string, expiresAt: number): boolean {
    return this.signatures.claim(signature, expiresAt, Date.now());
  }
}
