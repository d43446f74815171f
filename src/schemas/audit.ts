import { z } from "@hono/zod-openapi";
import { AUDIT_EVENTS } from "../services/audit/record";
import { IsoTime, NextCursor, PaginationQuery } from "./common";

/** An RFC 3339 time in a query string (`Z` or an offset); rendered back as UTC `Z`. */
export const QueryTime = (description: string) =>
  z.iso
    .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-01-05T00:00:00Z" })
    .optional()
    .openapi({ description, example: "2026-01-05T00:00:00Z", format: "date-time" });

/** Refinement of a query with `start_time` and `end_time`: the range must not be empty. */
export const START_BEFORE_END: [
  (q: { start_time?: string | undefined; end_time?: string | undefined }) => boolean,
  { message: string; path: string[] },
] = [
  (q) => !q.start_time || !q.end_time || Date.parse(q.start_time) < Date.parse(q.end_time),
  { message: "start_time must be before end_time", path: ["start_time"] },
];

const AuditEvent = z.enum(AUDIT_EVENTS);

export const AuditLogQuery = z
  .object({
    start_time: QueryTime("Only entries at or after this time."),
    end_time: QueryTime("Only entries before this time."),
    event: AuditEvent.optional().openapi({ description: "Only this event.", example: "auth.login_failed" }),
    account_id: z.string().min(1).max(64).optional().openapi({
      description:
        "Only this account's entries. Admins may name any account; for anyone else only their own account returns entries.",
      example: "usr_3f1c2a9e6b1d4f7a9a572f0d",
    }),
    limit: PaginationQuery.shape.limit,
    cursor: PaginationQuery.shape.cursor,
  })
  .refine(...START_BEFORE_END);

export const AuditEntrySchema = z
  .object({
    id: z.string().openapi({ description: "Position in the hash chain.", example: "aud_1042" }),
    timestamp: IsoTime,
    request_id: z.string().nullable().openapi({ example: "req_3f1c2a9e-6b1d-4f7a-9a57-2f0d5c8e1b44" }),
    event: AuditEvent.openapi({ example: "api.request" }),
    account_id: z.string().nullable().openapi({ example: "usr_3f1c2a9e6b1d4f7a9a572f0d" }),
    key_id: z.string().nullable().openapi({ description: "The API key used, if any.", example: null }),
    method: z.string().nullable().openapi({ example: "GET" }),
    endpoint: z.string().nullable().openapi({
      description: "Route template (never the raw path); null when no route matched.",
      example: "/api/v1/market/price/{symbol}",
    }),
    status: z.number().int().nullable().openapi({ description: "HTTP status (request entries only).", example: 200 }),
    ip: z.string().nullable().openapi({ example: "203.0.113.7" }),
    country: z.string().nullable().openapi({ description: "ISO 3166 alpha-2 from the edge.", example: "DE" }),
    user_agent: z.string().nullable().openapi({ description: "Cut to 256 characters.", example: "curl/8.5.0" }),
    latency_ms: z.number().int().nullable().openapi({ description: "Request entries only.", example: 12 }),
    details: z.record(z.string(), z.unknown()).openapi({
      description: "Event specifics (never credentials or bodies), e.g. `error_code` of a refused request.",
      example: {},
    }),
  })
  .openapi("AuditEntry");

export const AuditLogPage = z
  .object({ entries: z.array(AuditEntrySchema), next_cursor: NextCursor })
  .openapi("AuditLogPage");

export const VerifyQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(100_000)
    .openapi({ description: "Most entries checked by this call (default 100,000).", example: 100_000 }),
  cursor: z.string().max(512).optional().openapi({ description: "`next_cursor` of a call that stopped at `limit`." }),
});

export const VerifyResultSchema = z
  .object({
    valid: z.boolean().openapi({ example: true }),
    checked: z.number().int().openapi({ description: "Entries checked by this call.", example: 1042 }),
    first_invalid_id: z.string().nullable().openapi({ description: "The first entry that fails.", example: null }),
    reason: z
      .enum(["sequence_gap", "broken_link", "hash_mismatch", "truncated", "head_mismatch", "unexpected_row"])
      .nullable()
      .openapi({
        description:
          "`hash_mismatch`: the entry's content changed; `broken_link`: its predecessor hash is wrong; `sequence_gap`: entries before it are missing; `truncated`: entries at the end are missing; `head_mismatch`: the chain was rewritten; `unexpected_row`: an entry the sequencer never wrote.",
        example: null,
      }),
    from_id: z.string().nullable().openapi({ example: "aud_1" }),
    to_id: z.string().nullable().openapi({ example: "aud_1042" }),
    complete: z.boolean().openapi({ description: "False when `limit` stopped the walk.", example: true }),
    next_cursor: NextCursor,
    head_checked: z.boolean().openapi({
      description: "Whether the end of the log was compared with the sequencer's record of the chain head.",
      example: true,
    }),
  })
  .openapi("AuditVerifyResult");
