/** Request and response schemas of Solana token monitoring (API.md "Solana token monitoring"). */
import { z } from "@hono/zod-openapi";
import { parseIsoTime } from "../services/market/time";
import { MAX_WEBHOOK_ITEMS } from "../services/solana/ingest";
import { ANOMALY_TYPES } from "../services/solana/rules";
import { MAX_TRANSFERS_PER_TRANSACTION } from "../services/solana/webhook-items";
import { IsoTime, NextCursor, PaginationQuery } from "./common";
import { SolanaAddress } from "./solana";

const USDC = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const WALLET = "7Lf2U6kZK6TqJ4d4BWK3TYsy7ZrXksu5oEAXpgAHbMR9";
const SIGNATURE = "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";

export const MonitorBody = z
  .object({
    token_addresses: z
      .array(SolanaAddress)
      .min(1)
      .max(100)
      .openapi({ description: "1-100 token mint addresses.", example: [USDC] }),
    update_interval: z
      .number()
      .int()
      .min(60)
      .max(86_400)
      .openapi({ description: "Seconds between scans of these tokens (60-86400).", example: 300 }),
  })
  .strict()
  .openapi("MonitorRequest");

export const MonitorCreated = z
  .object({
    status: z.literal("monitoring").openapi({ example: "monitoring" }),
    monitoring_ids: z
      .array(z.string())
      .openapi({ description: "One per address, in request order.", example: ["mon_Jx3rXy2k9QmZb7Tc"] }),
  })
  .openapi("MonitorStarted");

export const MonitorSchema = z
  .object({
    monitoring_id: z.string().openapi({ example: "mon_Jx3rXy2k9QmZb7Tc" }),
    token_address: z.string().openapi({ example: USDC }),
    update_interval: z.number().int().openapi({ example: 300 }),
    status: z.literal("monitoring").openapi({ example: "monitoring" }),
    created_at: IsoTime,
    updated_at: IsoTime.openapi({ description: "Last change of `update_interval`." }),
    last_scan_at: IsoTime.nullable().openapi({ description: "Last scan of the token (any account's monitor)." }),
    next_scan_at: IsoTime.nullable().openapi({ description: "When the token is due again (scans run every minute)." }),
  })
  .openapi("Monitor");

export const MonitorList = z.object({ monitors: z.array(MonitorSchema), next_cursor: NextCursor }).openapi("Monitors");

export const MonitoringIdParam = z.object({
  monitoring_id: z
    .string()
    .max(128)
    .openapi({ param: { name: "monitoring_id", in: "path" }, example: "mon_Jx3rXy2k9QmZb7Tc" }),
});

export const AnomalyEventSchema = z
  .object({
    id: z.string().openapi({ example: "ano_q8Zt1vXk3LmN0pRs" }),
    token_address: z.string().openapi({ example: USDC }),
    anomaly_type: z.enum(ANOMALY_TYPES).openapi({ example: "whale_movement" }),
    risk_score: z.number().min(0).max(1).openapi({ example: 0.78 }),
    timestamp: IsoTime.openapi({
      description: "When it happened: the transfer's time, or the window's newest transfer.",
    }),
    details: z.record(z.string(), z.unknown()).openapi({
      description:
        "Per type (README). whale_movement: `wallet_address` (sender), `counterparty` (receiver), `amount` (token units), `usd_value`, `signature`, `slot`, `price_usd`, `threshold_usd`.",
      example: {
        wallet_address: WALLET,
        counterparty: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
        amount: 500000,
        usd_value: 500000,
        signature: SIGNATURE,
        slot: 301234567,
        price_usd: 1,
        threshold_usd: 100000,
      },
    }),
  })
  .openapi("AnomalyEvent");

const isoQuery = (name: string, description: string) =>
  z
    .string()
    .max(64)
    .refine((v) => parseIsoTime(v, true) !== null, "must be an ISO 8601 date-time (with Z or an offset) or a date")
    .optional()
    .openapi({ param: { name, in: "query" }, example: "2026-01-05T00:00:00Z", description });

export const AnomaliesQuery = z
  .object({
    start_time: isoQuery("start_time", "Anomalies at or after this time."),
    end_time: isoQuery("end_time", "Anomalies at or before this time."),
    min_risk_score: z.coerce
      .number()
      .min(0)
      .max(1)
      .optional()
      .openapi({ param: { name: "min_risk_score", in: "query" }, example: 0.7, description: "0-1." }),
    token_address: SolanaAddress.optional().openapi({ param: { name: "token_address", in: "query" } }),
    anomaly_type: z
      .enum(ANOMALY_TYPES)
      .optional()
      .openapi({ param: { name: "anomaly_type", in: "query" }, example: "whale_movement" }),
    limit: PaginationQuery.shape.limit,
    cursor: PaginationQuery.shape.cursor,
  })
  .superRefine((q, ctx) => {
    const start = q.start_time === undefined ? null : parseIsoTime(q.start_time, true);
    const end = q.end_time === undefined ? null : parseIsoTime(q.end_time, true);
    if (start !== null && end !== null && start > end) {
      ctx.addIssue({ code: "custom", path: ["start_time"], message: "must not be after end_time" });
    }
  });

export const AnomaliesResponse = z
  .object({ anomalies: z.array(AnomalyEventSchema), next_cursor: NextCursor })
  .openapi("Anomalies");

export const TokenParam = z.object({
  token_address: SolanaAddress.openapi({ param: { name: "token_address", in: "path" }, example: USDC }),
});

export const AnalysisQuery = z.object({
  timeframe: z
    .enum(["1h", "24h", "7d"])
    .default("24h")
    .openapi({ param: { name: "timeframe", in: "query" }, example: "24h", description: "Default 24h." }),
});

export const AnalysisResponse = z
  .object({
    token_address: z.string().openapi({ example: USDC }),
    timeframe: z.enum(["1h", "24h", "7d"]).openapi({ example: "24h" }),
    risk_score: z.number().min(0).max(1).openapi({
      description: "1 − Π(1 − s) over the risk scores of the timeframe's anomalies (0 without any).",
      example: 0.78,
    }),
    anomalies: z.array(AnomalyEventSchema).openapi({ description: "The timeframe's anomalies, newest first (≤ 100)." }),
    metrics: z.record(z.string(), z.number().nullable()).openapi({
      description:
        "`volume_usd` (priced transfers), `volume` (token units), `transfer_count`, `unpriced_transfers`, `unique_wallets`, `largest_transfer_usd` (null when none was priced), `top10_share` (share of flow of the 10 busiest wallets), `price_change_pct` and `price_usd` (null without price points).",
      example: {
        volume_usd: 1250000.5,
        volume: 1250000.5,
        transfer_count: 412,
        unpriced_transfers: 0,
        unique_wallets: 187,
        largest_transfer_usd: 500000,
        top10_share: 0.62,
        price_change_pct: -0.02,
        price_usd: 0.9998,
      },
    }),
    monitored: z
      .boolean()
      .openapi({ description: "Whether any account monitors the token (only monitored tokens are scanned)." }),
    last_scan_at: IsoTime.nullable().openapi({ description: "The scan the metrics and anomalies are as of." }),
    timestamp: IsoTime,
  })
  .openapi("TokenAnalysis");

/** Documentation of a webhook transaction item (validated item by item in the service). */
export const HeliusTransaction = z
  .object({
    signature: z
      .string()
      .min(64)
      .max(88)
      .openapi({ description: "Base58 transaction signature (64 bytes).", example: SIGNATURE }),
    timestamp: z.number().int().openapi({ description: "Epoch seconds.", example: 1767225600 }),
    slot: z.number().int().optional().openapi({ example: 301234567 }),
    type: z.string().max(64).optional().openapi({ example: "TRANSFER" }),
    transactionError: z
      .unknown()
      .optional()
      .openapi({ description: "Non-null: a failed transaction; nothing is stored." }),
    tokenTransfers: z
      .array(
        z.object({
          fromUserAccount: z
            .string()
            .max(44)
            .openapi({ description: 'Sender wallet ("" for mints).', example: WALLET }),
          toUserAccount: z.string().max(44).openapi({ description: 'Receiver wallet ("" for burns).' }),
          mint: SolanaAddress,
          tokenAmount: z
            .number()
            .openapi({ description: "Token units (a decimal string is accepted too).", example: 500000 }),
        }),
      )
      .max(MAX_TRANSFERS_PER_TRANSACTION)
      .optional(),
  })
  .openapi("HeliusEnhancedTransaction");

export const SolanaPricePoint = z
  .object({
    type: z.literal("PRICE"),
    mint: SolanaAddress,
    price_usd: z
      .union([z.number(), z.string().max(64)])
      .openapi({ description: "USD per token unit, > 0.", example: "0.9998" }),
    timestamp: z.number().int().openapi({ description: "Epoch seconds.", example: 1767225600 }),
  })
  .openapi("SolanaPricePoint");

export const WebhookBody = z
  .array(z.unknown())
  .max(MAX_WEBHOOK_ITEMS)
  .openapi({
    description: `Up to ${MAX_WEBHOOK_ITEMS} items: Helius enhanced transactions and PRICE points.`,
    items: {
      oneOf: [
        { $ref: "#/components/schemas/HeliusEnhancedTransaction" },
        { $ref: "#/components/schemas/SolanaPricePoint" },
      ],
    },
    example: [
      {
        signature: SIGNATURE,
        timestamp: 1767225600,
        slot: 301234567,
        type: "TRANSFER",
        tokenTransfers: [
          {
            fromUserAccount: WALLET,
            toUserAccount: "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM",
            mint: USDC,
            tokenAmount: 500000,
          },
        ],
      },
      { type: "PRICE", mint: USDC, price_usd: "0.9998", timestamp: 1767225540 },
    ],
  });

export const WebhookResponse = z
  .object({
    accepted: z.number().int().openapi({ description: "Items stored (or with nothing to store).", example: 2 }),
    duplicates: z.number().int().openapi({ description: "Items whose every event was stored before.", example: 0 }),
    rejected: z
      .array(
        z.object({
          index: z.number().int().openapi({ example: 3 }),
          reason: z
            .string()
            .openapi({ example: "tokenTransfers[0].mint: must be a base58 Solana address that decodes to 32 bytes" }),
        }),
      )
      .openapi({ description: "Items refused, with why; the others were stored." }),
  })
  .openapi("SolanaIngestResult");
