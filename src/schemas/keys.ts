import { z } from "@hono/zod-openapi";
import { isCountryCode } from "../lib/countries";
import { normalizeIpRange } from "../lib/ip";
import { SCOPES } from "../types";
import { IsoTime, NextCursor, PaginationQuery } from "./common";

/** Most entries an IP allowlist may hold (seed 003: up to 10 whitelisted IPs per key). */
export const MAX_ALLOWLIST = 10;

const Tier = z.enum(["basic", "premium", "enterprise"]).openapi({
  description: "Rate-limit tier. `premium` and `enterprise` only by an admin.",
  example: "basic",
});

const KeyId = z
  .string()
  .regex(/^key_[0-9a-f]{24}$/, "must be a key id (key_ + 24 hex digits)")
  .openapi({ param: { name: "key_id", in: "path" }, example: "key_6f1d2c3b4a5e6f708192a3b4" });

/** `{key_id}` path parameter. */
export const KeyIdParam = z.object({ key_id: KeyId });

const IpEntry = z
  .string()
  .max(64)
  .transform((value, ctx) => {
    const normalized = normalizeIpRange(value);
    if (normalized === null) {
      ctx.addIssue({ code: "custom", message: `"${value.slice(0, 64)}" is not an IPv4/IPv6 address or CIDR range` });
      return z.NEVER;
    }
    return normalized;
  });

// Bounded like every client string (a code is 2 letters; surrounding spaces are trimmed).
const Country = z
  .string()
  .max(8)
  .transform((value, ctx) => {
    const code = value.trim().toUpperCase();
    if (!isCountryCode(code)) {
      ctx.addIssue({ code: "custom", message: `"${value.slice(0, 8)}" is not an ISO 3166 alpha-2 country code` });
      return z.NEVER;
    }
    return code;
  });

const unique = <T>(values: T[]) => [...new Set(values)];

/** Body of `POST /api/v1/keys`. */
export const CreateKeyBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
      // zod writes the regex's flags after the pattern ("…$/u"), which no client can compile.
      .openapi({
        description: "A label for humans (1-100 characters).",
        example: "trading bot (prod)",
        pattern: "^[^\\p{Cc}]*$",
      }),
    scopes: z
      .array(z.enum(SCOPES))
      .min(1)
      .max(SCOPES.length)
      .transform(unique)
      .openapi({
        description:
          "What the key may do: a subset of the caller's scopes (and, when the caller is itself an API key, of that key's).",
        example: ["read:market", "read:portfolio", "write:trading"],
      }),
    tier: Tier.default("basic"),
    ip_allowlist: z
      .array(IpEntry)
      .max(MAX_ALLOWLIST, `at most ${MAX_ALLOWLIST} entries`)
      .transform(unique)
      .optional()
      .openapi({
        description:
          "Up to 10 IPv4/IPv6 addresses or CIDR ranges, matched against `CF-Connecting-IP`; stored normalised (host bits cleared, IPv6 compressed). Empty or absent: any address.",
        example: ["203.0.113.7", "10.1.2.0/24", "2001:db8::/32"],
      }),
    allowed_countries: z
      .array(Country)
      .max(250)
      .transform(unique)
      .optional()
      .openapi({
        description:
          "ISO 3166 alpha-2 codes (any case, stored upper-case) matched against the edge's country of the request. Empty or absent: any country.",
        example: ["DE", "CH"],
      }),
    expires_in_days: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .openapi({ description: "Lifetime in days (1-365). Absent: the key does not expire.", example: 90 }),
  })
  .strict()
  .openapi("CreateKeyRequest");

const RateLimit = z
  .object({
    rate_per_minute: z.number().int().openapi({ example: 5000 }),
    burst: z.number().int().openapi({ example: 8000 }),
  })
  .nullable()
  .openapi({ description: "The key's own rate limit (enterprise keys, set by an admin); null: its tier's." });

/** The key object of API.md (never the key or its secret). */
export const KeyObjectSchema = z
  .object({
    key_id: z.string().openapi({ example: "key_6f1d2c3b4a5e6f708192a3b4" }),
    name: z.string().openapi({ example: "trading bot (prod)" }),
    prefix: z
      .string()
      .openapi({ description: "The key's first characters, to tell keys apart.", example: "pk_7Hq2mXa9" }),
    scopes: z.array(z.enum(SCOPES)).openapi({ example: ["read:market", "read:portfolio", "write:trading"] }),
    tier: Tier,
    ip_allowlist: z.array(z.string()).openapi({ example: ["10.1.2.0/24"] }),
    allowed_countries: z.array(z.string()).openapi({ example: ["DE"] }),
    status: z.enum(["active", "revoked", "suspended", "expired"]).openapi({ example: "active" }),
    created_at: IsoTime,
    expires_at: IsoTime.nullable(),
    last_used_at: IsoTime.nullable().openapi({
      description: "Last successful use (refused requests do not count); updated within seconds, not per request.",
    }),
    rotate_after: IsoTime.openapi({ description: "created_at + 90 days: rotate the key by then." }),
    rate_limit: RateLimit,
  })
  .openapi("ApiKey");

/** A new key with its secrets, shown only in this response. */
export const IssuedKeySchema = KeyObjectSchema.extend({
  api_key: z.string().openapi({
    description: "The key (`pk_…`). Shown once: only its SHA-256 is stored.",
    example: "pk_7Hq2mXa9TnE4wLr8vKc3PzD6yUb1sFg5hJk2NdQ7",
  }),
  api_secret: z.string().openapi({
    description: "The HMAC signing secret (`sk_…`). Shown once: stored encrypted (AES-256-GCM).",
    example: "sk_3bV9xW1mQ6tZ8rC2nL5kF7hJ4dS0gP9aE2uY6iO1",
  }),
}).openapi("IssuedApiKey");

/** Query of `GET /api/v1/keys`. */
export const ListKeysQuery = PaginationQuery;

/** Body of `GET /api/v1/keys`. */
export const KeyListSchema = z
  .object({ keys: z.array(KeyObjectSchema), next_cursor: NextCursor })
  .openapi("ApiKeyList");

const Time = z.iso
  .datetime({ offset: true })
  .optional()
  .openapi({ description: "ISO 8601 time.", example: "2026-01-05T00:00:00Z" });

/** Query of `GET /api/v1/keys/{key_id}/usage`. */
export const UsageQuery = z.object({
  start_time: Time.openapi({ description: "Start (inclusive, by UTC day). Default: 30 days before end_time." }),
  end_time: Time.openapi({ description: "End (inclusive, by UTC day). Default: now." }),
});

const Count = z.number().int();

/** Body of `GET /api/v1/keys/{key_id}/usage`. */
export const UsageSchema = z
  .object({
    key_id: z.string().openapi({ example: "key_6f1d2c3b4a5e6f708192a3b4" }),
    start_time: IsoTime,
    end_time: IsoTime,
    requests: Count.openapi({ example: 1520 }),
    rejected: Count.openapi({ description: "Responses with status ≥ 400 (429 included).", example: 12 }),
    by_endpoint: z.array(z.object({ endpoint: z.string(), requests: Count, rejected: Count })).openapi({
      description: "Per route template, most used first; `unmatched` for paths no route serves.",
      example: [{ endpoint: "GET /api/v1/market/price/{symbol}", requests: 1500, rejected: 10 }],
    }),
    by_day: z.array(z.object({ date: z.string(), requests: Count, rejected: Count })).openapi({
      description: "Per UTC day, oldest first.",
      example: [{ date: "2026-01-05", requests: 1520, rejected: 12 }],
    }),
  })
  .openapi("ApiKeyUsage");

/** Body of `POST /api/v1/admin/keys/{key_id}/suspend`. */
export const SuspendBody = z
  .object({
    reason: z.string().trim().max(500).optional().openapi({
      description: "Why (kept with the key and in the security event).",
      example: "secret leaked in a public repo",
    }),
  })
  .strict()
  .openapi("SuspendKeyRequest");

const LimitValue = z.number().int().min(1).max(1_000_000);

/** Body of `PUT /api/v1/admin/keys/{key_id}/limits`. */
export const LimitsBody = z
  .object({
    tier: Tier.optional().openapi({ description: "New tier; leaving `enterprise` clears the key's own limit." }),
    rate_per_minute: LimitValue.optional().openapi({
      description: "Requests per minute (enterprise only).",
      example: 5000,
    }),
    burst: LimitValue.optional().openapi({ description: "Bucket size (enterprise only).", example: 8000 }),
  })
  .strict()
  .refine((b) => (b.rate_per_minute === undefined) === (b.burst === undefined), {
    message: "rate_per_minute and burst go together",
    path: ["burst"],
  })
  .refine((b) => b.tier !== undefined || b.rate_per_minute !== undefined, {
    message: "set tier, or rate_per_minute and burst",
    path: ["tier"],
  })
  .refine((b) => b.rate_per_minute === undefined || b.tier === undefined || b.tier === "enterprise", {
    message: "only enterprise keys have their own rate limit",
    path: ["tier"],
  })
  .openapi("KeyLimitsRequest");
