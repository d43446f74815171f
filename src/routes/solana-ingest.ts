/** `POST /api/v1/ingest/solana`: the Helius-style webhook (API.md "Solana token monitoring"). */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { requireScope } from "../middleware/auth";
import { errorResponses } from "../schemas/common";
import { HeliusTransaction, SolanaPricePoint, WebhookBody, WebhookResponse } from "../schemas/solana-monitoring";
import { ingestWebhook, MAX_WEBHOOK_ITEMS } from "../services/solana/ingest";
import type { AppEnv } from "../types";

/** A delivery authenticated by the webhook secret passes; anyone else needs `write:ingest`. */
function allowWebhookOrIngestScope(): MiddlewareHandler<AppEnv> {
  const guard = requireScope("write:ingest");
  return async function allowWebhookOrIngestScopeMiddleware(c, next) {
    if (c.get("webhook") === "solana") return next();
    return guard(c, next);
  };
}

const WEBHOOK_SECURITY: Array<Record<string, string[]>> = [
  { solanaWebhookSecret: [] },
  { bearerAuth: [] },
  { apiKey: [] },
];

const ingestRoute = createRoute({
  method: "post",
  path: "/api/v1/ingest/solana",
  operationId: "ingestSolana",
  tags: ["Solana token monitoring"],
  summary: "Solana webhook: transfers and prices",
  description: `Takes a JSON array of up to ${MAX_WEBHOOK_ITEMS} items as a Helius enhanced-transactions webhook sends them, plus \`{"type": "PRICE", mint, price_usd, timestamp}\` price points. Authenticate with \`Authorization: <SOLANA_WEBHOOK_SECRET>\` (the raw secret, compared in constant time; a wrong one is 401 \`invalid_credentials\`) or with a JWT / API key holding \`write:ingest\`. Each item is validated on its own; every token transfer (mint, from, to, amount, signature, slot, timestamp) and price point of the valid ones is stored in one transaction before the answer, so an accepted event is never lost. Retries are harmless: a transfer is stored once per (signature, transfer index) and a price once per (mint, timestamp); an item whose events were all stored before counts as a duplicate. A failed transaction (\`transactionError\`) is accepted and stores nothing. Anomaly scans run later, in the every-minute cron. Webhook deliveries have their own rate limit (README). 400 only when the body is not a JSON array or has too many items.`,
  security: WEBHOOK_SECURITY,
  middleware: [allowWebhookOrIngestScope()],
  request: { body: { required: true, content: { "application/json": { schema: WebhookBody } } } },
  responses: {
    202: {
      description: "What was stored, already known and refused.",
      content: { "application/json": { schema: WebhookResponse } },
    },
    ...errorResponses(401, 403),
  },
});

/** The Solana webhook route, mounted at the root. */
export const solanaIngestRoutes = new OpenAPIHono<AppEnv>().openapi(ingestRoute, async (c) => {
  const outcome = await ingestWebhook(c.env.DB, c.req.valid("json"));
  return c.json(outcome, 202);
});

solanaIngestRoutes.openAPIRegistry.register("HeliusEnhancedTransaction", HeliusTransaction);
solanaIngestRoutes.openAPIRegistry.register("SolanaPricePoint", SolanaPricePoint);
solanaIngestRoutes.openAPIRegistry.registerComponent("securitySchemes", "solanaWebhookSecret", {
  type: "apiKey",
  in: "header",
  name: "Authorization",
  description: "The raw `SOLANA_WEBHOOK_SECRET` (no `Bearer` prefix), as a Helius webhook's auth header sends it.",
});
