import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError } from "../errors";
import { requireScope, SECURED } from "../middleware/auth";
import { rateLimit, rateLimitEarlyRefusals } from "../middleware/rate-limit";
import { authenticateStream, credentialExpiry } from "../middleware/stream-auth";
import { errorResponses } from "../schemas/common";
import { openStream } from "../services/realtime/connect";
import type { Endpoint } from "../services/realtime/protocol";
import type { AppEnv } from "../types";

const TAGS = ["Streams"];
// Headers as for REST, or the query token (browsers cannot set headers on a WebSocket).
const SECURITY = [...(SECURED as Array<Record<string, string[]>>), { queryToken: [] }];

const StreamQuery = z.object({
  token: z
    .string()
    .max(8192)
    .optional()
    .openapi({
      param: { name: "token", in: "query" },
      description:
        "A JWT access token or an API key (`pk_…`), for clients that cannot set headers (browsers). Not together with a credential header.",
      example: "eyJhbGciOiJIUzI1NiIsImtpZCI6ImhzMjU2LTEiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJl",
    }),
});

const UpgradeHeaders = z.object({
  upgrade: z.string().max(64).optional().openapi({ description: "Must be `websocket`.", example: "websocket" }),
});

const PROTOCOL = `

**After the upgrade** (README, "Real-time streams"): send \`ping\` as text at least every 30 s (the
answer is \`pong\`); a socket silent for more than 40 s is closed with code 4408. A message over
1 MiB closes the socket with 1009. Every client message is JSON
\`{"action": "subscribe"|"unsubscribe", "channel": …}\`; each applied one is acknowledged with
\`{"type": "subscribed"|"unsubscribed", "channel", …}\` echoing what it changed, and each
invalid one gets \`{"type": "error", "error": {"code", "message"}}\` with the socket left open.
A socket whose credential expires or is revoked (logout, key revoked or suspended) is closed with 4401. An account
holds at most \`WS_MAX_CONNECTIONS_PER_ACCOUNT\` (default 100) sockets over both endpoints;
beyond it the upgrade gets 429 \`rate_limit_exceeded\` with \`details.reason: "connection_limit"\`.`;

const upgradeResponses = (what: string) => ({
  101: { description: `Switching protocols: the socket is open and ${what}.` },
  ...errorResponses(401, 403),
});

const marketRoute = createRoute({
  method: "get",
  path: "/ws/market",
  operationId: "openMarketStream",
  tags: TAGS,
  summary: "Stream tickers and order books (WebSocket)",
  description:
    'Needs `read:market` (credentials are required, even though REST market data is public). Channels: `market` (`{"action":"subscribe","channel":"market","symbols":["BTC-USDT"]}` → `{"type":"ticker","symbol","price","timestamp","volume"}` on every new price) and `orderbook` (`{"action":"subscribe","channel":"orderbook","symbol":"BTC-USDT","depth":10}` → `{"type":"orderbook","symbol","bids","asks","timestamp"}` cut to `depth`, 1-1000). An unknown symbol gets an `error` with code `MARKET_001`. At most 100 symbols and 20 order books per socket.' +
    PROTOCOL,
  security: SECURITY,
  middleware: [rateLimitEarlyRefusals(), authenticateStream(), rateLimit(), requireScope("read:market")],
  request: { query: StreamQuery, headers: UpgradeHeaders },
  responses: upgradeResponses("takes market and orderbook subscriptions"),
});

const alertsRoute = createRoute({
  method: "get",
  path: "/ws/alerts",
  operationId: "openAlertStream",
  tags: TAGS,
  summary: "Stream anomaly alerts (WebSocket)",
  description:
    'Needs `read:tokens`. Channel `anomalies`: `{"action":"subscribe","channel":"anomalies","token_addresses":["…"]}` follows those tokens (base58 Solana addresses, at most 100 per socket); without `token_addresses` it follows every token the account monitors. Alerts arrive exactly as seed 000 shapes them: `{"type":"anomaly_alert","data":{"token_address","risk_score","anomaly_type","timestamp","details"}}`.' +
    PROTOCOL,
  security: SECURITY,
  middleware: [rateLimitEarlyRefusals(), authenticateStream(), rateLimit(), requireScope("read:tokens")],
  request: { query: StreamQuery, headers: UpgradeHeaders },
  responses: upgradeResponses("takes anomalies subscriptions"),
});

async function upgrade(c: Context<AppEnv>, endpoint: Endpoint): Promise<Response> {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError("validation_error", `/ws/${endpoint} speaks WebSocket only: send Upgrade: websocket.`, {
      details: { issues: [{ path: "header.upgrade", message: 'expected "websocket"' }] },
    });
  }
  const principal = c.get("principal");
  if (!principal) throw new ApiError("unauthorized"); // requireScope ran; kept for the type checker
  return openStream(c.env, {
    principal,
    endpoint,
    expiresAt: credentialExpiry(principal),
    ip: c.get("clientIp"),
  });
}

/** The WebSocket upgrade routes `/ws/market` and `/ws/alerts`, mounted at the root. */
export const wsRoutes = new OpenAPIHono<AppEnv>()
  // Typed as the documented 101; Hono's response typing has no place for a WebSocket.
  .openapi(marketRoute, (c) => upgrade(c, "market") as never)
  .openapi(alertsRoute, (c) => upgrade(c, "alerts") as never);

wsRoutes.openAPIRegistry.registerComponent("securitySchemes", "queryToken", {
  type: "apiKey",
  in: "query",
  name: "token",
  description: "A JWT access token or an API key in `?token=`, on the WebSocket routes only.",
});
