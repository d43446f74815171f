import type { Config } from "./config";
import type { RecordedEvent } from "./services/audit/record";
import type { RateLimitOutcome } from "./services/ratelimit/policy";

/** Scopes of API.md "Roles and scopes". */
export const SCOPES = [
  "read:market",
  "read:analysis",
  "read:tokens",
  "read:portfolio",
  "write:trading",
  "write:monitor",
  "read:audit",
  "write:ingest",
  "admin",
] as const;
export type Scope = (typeof SCOPES)[number];

export type Role = "developer" | "trader" | "admin";

/** Who is calling: resolved once per request by the auth middleware from a JWT or an API key. */
export interface Principal {
  kind: "user" | "api_key";
  user_id: string;
  role: Role;
  scopes: Scope[];
  /** Set when the caller authenticated with an API key. */
  key_id?: string;
  /** Rate-limit tier: `jwt` for users, the key's tier for API keys. */
  tier: "jwt" | "basic" | "premium" | "enterprise";
  /** Wallet address for wallet sign-ins. */
  wallet?: string;
  /** Session (refresh-token family) of a JWT, the `sid` claim. */
  session_id?: string;
  /** The key's own limit, set by an admin (enterprise keys); wins over the tier's. */
  rate_limit?: { rate_per_minute: number; burst: number };
}

/** Per-request values shared by middleware and handlers. */
export interface AppVariables {
  requestId: string;
  config: Config;
  /** Undefined for anonymous calls. */
  principal?: Principal;
  /** Caller IP (`CF-Connecting-IP`), "unknown" when absent. */
  clientIp: string;
  /** Request start, `performance.now()`-style milliseconds. */
  startedAt: number;
  /** Domain events recorded during the request, written with its `api.request` entry. */
  auditEvents?: RecordedEvent[] | undefined;
  /** The API key presented, once identified, even when it is then refused (its usage counts the refusal). */
  apiKeyId?: string;
  /** The rate limiter's verdict for this request (set once it has been consulted). */
  rateLimit?: RateLimitOutcome;
  /** Set when the request is a webhook delivery authenticated by its shared secret (no principal). */
  webhook?: "solana";
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
