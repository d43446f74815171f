import { z } from "@hono/zod-openapi";
import { SECURITY_EVENT_TYPES } from "../services/audit/security-events";
import { QueryTime, START_BEFORE_END } from "./audit";
import { IsoTime, NextCursor, PaginationQuery } from "./common";

export const IpBlockBody = z
  .object({
    ip: z.string().min(1).max(64).openapi({
      description: "An IPv4/IPv6 address or CIDR range (at most /8 wide for IPv4, /16 for IPv6).",
      example: "203.0.113.0/24",
    }),
    reason: z.string().max(500).optional().openapi({ example: "credential stuffing from this range" }),
    expires_in_seconds: z
      .number()
      .int()
      .min(60)
      .max(31_536_000)
      .optional()
      .openapi({ description: "60 s to 1 year; omit for a block that lasts until removed.", example: 86_400 }),
  })
  .openapi("IpBlockRequest");

export const IpBlockSchema = z
  .object({
    block_id: z.string().openapi({ example: "blk_5d2c1e0f9a8b7c6d5e4f3a2b" }),
    ip: z.string().openapi({ description: "Normalised address or range.", example: "203.0.113.0/24" }),
    reason: z.string().nullable().openapi({ example: "credential stuffing from this range" }),
    source: z.enum(["manual", "automatic"]).openapi({
      description: "`automatic`: raised by a failed-authentication burst.",
      example: "manual",
    }),
    created_at: IsoTime,
    expires_at: IsoTime.nullable().openapi({ description: "Null: until removed." }),
  })
  .openapi("IpBlock");

export const IpBlockList = z.object({ blocks: z.array(IpBlockSchema), next_cursor: NextCursor }).openapi("IpBlockList");

export const BlockIdParam = z.object({
  block_id: z
    .string()
    .max(64)
    .openapi({ param: { name: "block_id", in: "path" }, example: "blk_5d2c1e0f9a8b7c6d5e4f3a2b" }),
});

export const TradingHaltBody = z
  .object({
    halted: z.boolean().openapi({ example: true }),
    reason: z.string().max(500).optional().openapi({ example: "exchange incident, investigating" }),
  })
  .openapi("TradingHaltRequest");

export const TradingHaltSchema = z
  .object({
    halted: z.boolean().openapi({ example: true }),
    reason: z.string().nullable().openapi({ example: "exchange incident, investigating" }),
    updated_at: IsoTime.nullable().openapi({ description: "Null when the halt was never set." }),
  })
  .openapi("TradingHalt");

const SecurityEventType = z.enum(SECURITY_EVENT_TYPES);

export const SecurityEventQuery = z
  .object({
    start_time: QueryTime("Only events at or after this time."),
    end_time: QueryTime("Only events before this time."),
    type: SecurityEventType.optional().openapi({ description: "Only this type.", example: "failed_auth_burst" }),
    limit: PaginationQuery.shape.limit,
    cursor: PaginationQuery.shape.cursor,
  })
  .refine(...START_BEFORE_END);

export const SecurityEventSchema = z
  .object({
    event_id: z.string().openapi({ example: "sev_0b1c2d3e4f5a6b7c8d9e0f1a" }),
    type: SecurityEventType.openapi({ example: "failed_auth_burst" }),
    ip: z.string().nullable().openapi({ example: "198.51.100.23" }),
    account_id: z.string().nullable().openapi({ example: null }),
    details: z.record(z.string(), z.unknown()).openapi({
      example: { failures: 20, window_seconds: 300, last_code: "invalid_credentials" },
    }),
    timestamp: IsoTime,
  })
  .openapi("SecurityEvent");

export const SecurityEventList = z
  .object({ events: z.array(SecurityEventSchema), next_cursor: NextCursor })
  .openapi("SecurityEventList");
