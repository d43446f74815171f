import { z } from "zod";
import { CATEGORIES, type Category } from "./services/ratelimit/decide";

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === "true" || v === "1"));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (!/^-?\d+$/.test(v.trim())) {
        ctx.addIssue({ code: "custom", message: `must be an integer, got "${v}"` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be between ${min} and ${max}, got ${n}` });
        return z.NEVER;
      }
      return n;
    });

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

const httpUrl = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === "") return undefined;
    try {
      const url = new URL(v);
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("scheme");
      return url.toString().replace(/\/$/, "");
    } catch {
      ctx.addIssue({ code: "custom", message: "must be an http(s) URL" });
      return z.NEVER;
    }
  });

const intervalList = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const items = (v === undefined || v.trim() === "" ? fallback : v).split(",").map((s) => s.trim());
      const known = ["1m", "5m", "1h", "1d"] as const;
      const bad = items.filter((s) => !(known as readonly string[]).includes(s));
      if (bad.length > 0 || items.length === 0) {
        ctx.addIssue({ code: "custom", message: `must be a comma-separated list of 1m, 5m, 1h, 1d; got "${v}"` });
        return z.NEVER;
      }
      return [...new Set(items)] as Array<(typeof known)[number]>;
    });

const decimalString = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = v === undefined || v === "" ? fallback : v.trim();
      if (!/^\d{1,15}(\.\d{1,8})?$/.test(value)) {
        ctx.addIssue({ code: "custom", message: `must be a non-negative decimal, got "${value}"` });
        return z.NEVER;
      }
      return value;
    });

const categoryList = (fallback: Category[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const items = v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0 && s !== "none");
      const unknown = items.filter((s) => !(CATEGORIES as readonly string[]).includes(s));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `unknown categories ${unknown.join(", ")} (use ${CATEGORIES.join(", ")})`,
        });
        return z.NEVER;
      }
      return items as Category[];
    });

/**
 * The Worker's configuration, read from variables and secrets (names fixed by API.md,
 * "Configuration"). Extra knobs beyond API.md are documented in README's configuration table.
 */
export const ConfigSchema = z
  .object({
    JWT_ALG: z.enum(["HS256", "RS256", "EdDSA"]).default("HS256"),
    JWT_SECRET: optionalString,
    JWT_PRIVATE_KEY: optionalString,
    JWT_ISSUER: z.string().min(1).default("parapet"),
    JWT_AUDIENCE: z.string().min(1).default("parapet-api"),
    ACCESS_TOKEN_TTL_SECONDS: int(1800, 60, 86_400),
    REFRESH_TOKEN_TTL_SECONDS: int(604_800, 300, 7_776_000),
    ENCRYPTION_KEY: z.string({ message: "is required (base64 of 32 random bytes)" }),
    ADMIN_EMAILS: list,
    SIGNATURE_WINDOW_SECONDS: int(30, 1, 600),
    ENFORCE_HTTPS: bool(true),
    METRICS_TOKEN: optionalString,
    SOLANA_WEBHOOK_SECRET: optionalString,
    SOLANA_RPC_URL: httpUrl,
    MARKET_UPSTREAM_URL: httpUrl,
    MARKET_UPSTREAM_INTERVALS: intervalList("1m,1h,1d"),
    MARKET_UPSTREAM_EXCHANGE: z
      .string()
      .regex(/^[a-z0-9_.-]{1,32}$/, "must be 1-32 of a-z, 0-9, _ . -")
      .default("binance"),
    MARKET_PRICE_MAX_AGE_SECONDS: int(120, 5, 86_400),
    WHALE_USD_THRESHOLD: int(100_000, 1, 1_000_000_000_000),
    STARTING_BALANCE: decimalString("100000.00"),
    // Portfolio limits (README, "Portfolio"): a position past either is refused with PORT_002.
    PORTFOLIO_MAX_OPEN_POSITIONS: int(50, 1, 1000),
    PORTFOLIO_MAX_SYMBOL_NOTIONAL: decimalString("1000000.00"),
    AUDIT_RETENTION_DAYS: int(730, 1, 36_500),
    CORS_ORIGINS: list,
    // Metrics aggregator shards; keep it fixed once deployed (totals live in their shard).
    METRICS_SHARDS: int(4, 1, 32),
    // Rate limits (README, "Rate limits"): per-minute rate and burst per tier, per-second caps
    // per endpoint category, abuse pauses, and the fail policy when the limiter is unreachable.
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: int(60, 1, 100_000),
    RATE_LIMIT_ANONYMOUS_BURST: int(100, 1, 100_000),
    RATE_LIMIT_JWT_PER_MINUTE: int(120, 1, 100_000),
    RATE_LIMIT_JWT_BURST: int(200, 1, 100_000),
    RATE_LIMIT_BASIC_PER_MINUTE: int(300, 1, 100_000),
    RATE_LIMIT_BASIC_BURST: int(500, 1, 100_000),
    RATE_LIMIT_PREMIUM_PER_MINUTE: int(1000, 1, 100_000),
    RATE_LIMIT_PREMIUM_BURST: int(1500, 1, 100_000),
    RATE_LIMIT_ENTERPRISE_PER_MINUTE: int(1000, 1, 100_000),
    RATE_LIMIT_ENTERPRISE_BURST: int(1500, 1, 100_000),
    RATE_LIMIT_MARKET_PER_SECOND: int(100, 1, 10_000),
    RATE_LIMIT_TRADING_PER_SECOND: int(50, 1, 10_000),
    RATE_LIMIT_ACCOUNT_PER_SECOND: int(25, 1, 10_000),
    RATE_LIMIT_TOKEN_PER_SECOND: int(10, 1, 10_000),
    RATE_LIMIT_AUTH_PER_SECOND: int(5, 1, 10_000),
    RATE_LIMIT_SUSPEND_AFTER: int(100, 1, 10_000),
    RATE_LIMIT_SUSPEND_WINDOW_SECONDS: int(60, 1, 3600),
    RATE_LIMIT_SUSPEND_SECONDS: int(60, 1, 86_400),
    RATE_LIMIT_SUSPEND_MAX_SECONDS: int(3600, 1, 604_800),
    RATE_LIMIT_ESCALATION_WINDOW_SECONDS: int(3600, 1, 604_800),
    RATE_LIMIT_FAIL_CLOSED: categoryList(["trading", "auth"]),
    RATE_LIMIT_TIMEOUT_MS: int(1000, 10, 30_000),
    // Forecast training (README, "Analysis"): wall-time budget and model cap per cron run, and
    // the base candles a series needs before it is modelled (API.md: 200; only raising it is allowed).
    ANALYSIS_TRAINING_BUDGET_MS: int(12_000, 2000, 300_000),
    ANALYSIS_TRAINING_MAX_MODELS: int(20, 1, 1000),
    ANALYSIS_MIN_CANDLES: int(200, 200, 100_000),
    // WebSocket streams (README, "Real-time streams"). Only ever raise WS_ROOM_SHARDS: publishes
    // reach rooms 0..N-1, so lowering it strands the sockets of the rooms above the new count.
    WS_MAX_CONNECTIONS_PER_ACCOUNT: int(100, 1, 100_000),
    WS_ROOM_SHARDS: int(8, 1, 256),
    // Solana token monitoring (README, "Solana token monitoring").
    RATE_LIMIT_WEBHOOK_PER_MINUTE: int(1200, 1, 100_000),
    RATE_LIMIT_WEBHOOK_BURST: int(600, 1, 100_000),
    SOLANA_PRICE_MAX_AGE_SECONDS: int(3600, 1, 604_800),
    SOLANA_SCAN_MAX_TOKENS: int(50, 1, 1000),
    SOLANA_SCAN_MAX_EVENTS: int(20_000, 100, 1_000_000),
    SOLANA_ALERT_HORIZON_SECONDS: int(86_400, 300, 2_592_000),
    SOLANA_RPC_MAX_REQUESTS: int(40, 2, 1000),
    SOLANA_RPC_TIMEOUT_MS: int(10_000, 100, 60_000),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.JWT_ALG === "HS256") {
      if (!cfg.JWT_SECRET) {
        ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "is required when JWT_ALG=HS256" });
      } else if (new TextEncoder().encode(cfg.JWT_SECRET).length < 32) {
        ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "must be at least 32 bytes" });
      }
    } else if (!cfg.JWT_PRIVATE_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_PRIVATE_KEY"],
        message: `is required when JWT_ALG=${cfg.JWT_ALG}`,
      });
    }
    if (cfg.RATE_LIMIT_SUSPEND_MAX_SECONDS < cfg.RATE_LIMIT_SUSPEND_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["RATE_LIMIT_SUSPEND_MAX_SECONDS"],
        message: "must be at least RATE_LIMIT_SUSPEND_SECONDS",
      });
    }
    if (cfg.SOLANA_WEBHOOK_SECRET !== undefined && cfg.SOLANA_WEBHOOK_SECRET.length < 16) {
      ctx.addIssue({
        code: "custom",
        path: ["SOLANA_WEBHOOK_SECRET"],
        message: "must be at least 16 characters (a long random value: it is the webhook's only credential)",
      });
    }
    if (decodeBase64Length(cfg.ENCRYPTION_KEY) !== 32) {
      ctx.addIssue({
        code: "custom",
        path: ["ENCRYPTION_KEY"],
        message: "must be the base64 encoding of exactly 32 bytes",
      });
    }
  });

export type Config = z.output<typeof ConfigSchema>;

/** Thrown when the environment does not hold a valid configuration; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

function decodeBase64Length(value: string): number {
  try {
    return atob(value.trim()).length;
  } catch {
    return -1;
  }
}

/** Parses configuration from a raw environment object. Throws `ConfigError` naming each bad variable. */
export function parseConfig(env: Record<string, unknown>): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.shape ?? {})) {
    const value = env[key];
    // Bindings given as numbers/booleans in test configuration are read as their string form.
    raw[key] = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join(".") || "config"} ${issue.message}`));
  }
  return result.data;
}

const cache = new WeakMap<object, Config>();

/** Returns the configuration for this environment, parsed once per isolate. */
export function getConfig(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as Record<string, unknown>);
    cache.set(env, config);
  }
  return config;
}
