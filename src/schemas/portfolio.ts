/** Request and response schemas of the portfolio routes (API.md "Portfolio"). */
import { z } from "@hono/zod-openapi";
import { SYMBOL_PATTERN } from "../services/market/symbols";
import { IDEMPOTENCY_KEY_PATTERN } from "../services/portfolio/idempotency";
import { IsoTime, NextCursor, PaginationQuery } from "./common";

/** A positive size: at most 15 whole and 18 fractional digits, no sign, exponent or leading zeros. */
const SIZE_PATTERN = /^(0|[1-9]\d{0,14})(\.\d{1,18})?$/;

const Money = (example: string, description: string) => z.string().openapi({ example, description });

const Leverage = z
  .union([
    z.number().int("must be a whole number").min(1).max(20),
    z
      .string()
      .regex(/^(?:[1-9]|1\d|20)$/, 'must be a whole number from 1 to 20, like 5 or "5"')
      .transform(Number),
  ])
  .default(1)
  .openapi({
    description: 'Whole number 1-20 (default 1), as a JSON number or a numeric string ("5").',
    example: 5,
  });

/** Body of `POST /api/v1/portfolio/positions`. Unknown fields are refused, never applied. */
export const OpenPositionBody = z
  .object({
    symbol: z
      .string()
      .regex(SYMBOL_PATTERN, "must look like BTC-USDT (upper-case BASE-QUOTE)")
      .openapi({ description: "A known market symbol with a live price.", example: "BTC-USDT" }),
    size: z
      .string({ error: 'must be a decimal string like "0.5"' })
      .regex(SIZE_PATTERN, 'must be a positive decimal string like "0.5" (≤ 15 whole, ≤ 18 fractional digits)')
      .refine((v) => /[1-9]/.test(v), "must be above 0")
      .openapi({ description: "Position size in the base asset, a decimal string.", example: "0.5" }),
    type: z.enum(["long", "short"]).openapi({ description: "`long` or `short`.", example: "long" }),
    leverage: Leverage,
  })
  .strict()
  .openapi("OpenPositionRequest");

/** `Idempotency-Key` header of the trading writes. */
export const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .regex(IDEMPOTENCY_KEY_PATTERN, "must be 1-255 printable ASCII characters")
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description:
        "Makes retries safe for 24 hours: the same key with the same request returns the first response (with `Idempotent-Replayed: true`) and changes nothing; with a different request, 409 `conflict`. Scoped to your account and the operation.",
      example: "8e0f6c8a-1b2d-4c3e-9f00-5a6b7c8d9e0f",
    }),
});

const PositionIdField = z
  .string()
  .regex(/^pos_[0-9a-f]{24}$/, "must be a position id (pos_ + 24 hex digits)")
  .openapi({ param: { name: "position_id", in: "path" }, example: "pos_3f9a1c2b4d5e6f708192a3b4" });

/** `{position_id}` path parameter. */
export const PositionIdParam = z.object({ position_id: PositionIdField });

/** Query of `GET /api/v1/portfolio/positions`. */
export const ListPositionsQuery = PaginationQuery.extend({
  status: z
    .enum(["open", "closed"])
    .default("open")
    .openapi({ param: { name: "status", in: "query" }, description: "Default `open`.", example: "open" }),
});

/** 201 body of an open. */
export const OpenedPositionSchema = z
  .object({
    position_id: z.string().openapi({ example: "pos_3f9a1c2b4d5e6f708192a3b4" }),
    status: z.literal("success").openapi({ example: "success" }),
    timestamp: IsoTime.openapi({ description: "When the position was opened." }),
    entry_price: Money("65432.10", "The live price the position was opened at."),
    margin: Money("10905.35", "Margin reserved: size × entry_price / leverage, rounded up to 8 digits."),
  })
  .openapi("OpenedPosition");

/** A position. */
export const PositionSchema = z
  .object({
    position_id: z.string().openapi({ example: "pos_3f9a1c2b4d5e6f708192a3b4" }),
    symbol: z.string().openapi({ example: "BTC-USDT" }),
    type: z.enum(["long", "short"]).openapi({ example: "long" }),
    size: z.string().openapi({ example: "0.5" }),
    leverage: z.number().int().openapi({ example: 3 }),
    entry_price: Money("64000.00", "Price when opened."),
    current_price: Money("65000.00", "Open: the live price. Closed: the price it was closed at."),
    pnl: Money(
      "500.00",
      "Open: unrealised, at `current_price`. Closed: realised. (current − entry) × size for a long, the opposite for a short, rounded half-even to 8 digits; a loss never exceeds the margin.",
    ),
    margin: Money("10666.66666667", "Margin reserved while open."),
    status: z.enum(["open", "closed"]).openapi({ example: "open" }),
    timestamp: IsoTime.openapi({ description: "Open: the time of `current_price`. Closed: when it was closed." }),
    opened_at: IsoTime,
    closed_at: IsoTime.nullable().openapi({ description: "Null while open." }),
  })
  .openapi("Position");

/** A page of positions. */
export const PositionListSchema = z
  .object({ positions: z.array(PositionSchema), next_cursor: NextCursor })
  .openapi("PositionList");

/** The account's balance. */
export const BalanceSchema = z
  .object({
    currency: z.literal("USDT").openapi({ example: "USDT" }),
    balance: Money("100500.00", "Starting balance + all realised PnL."),
    available: Money("89833.33333333", "balance − margin_used: what new margin can come from."),
    margin_used: Money("10666.66666667", "Margin reserved by open positions."),
    unrealized_pnl: Money("250.00", "Sum of the open positions' PnL at live prices."),
    equity: Money("100750.00", "balance + unrealized_pnl."),
    timestamp: IsoTime,
  })
  .openapi("PortfolioBalance");
