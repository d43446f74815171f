import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError } from "../errors";
import { requireScope, SECURED } from "../middleware/auth";
import { requireSignature } from "../middleware/signature";
import { errorResponses } from "../schemas/common";
import {
  BalanceSchema,
  IdempotencyHeaders,
  ListPositionsQuery,
  OpenedPositionSchema,
  OpenPositionBody,
  PositionIdParam,
  PositionListSchema,
  PositionSchema,
} from "../schemas/portfolio";
import { assertTradingOpen } from "../services/admin/trading-halt";
import { recordEvent } from "../services/audit/record";
import type { TradeOutcome } from "../services/portfolio/idempotency";
import { closePosition, openPosition } from "../services/portfolio/trading";
import { listPositions, portfolioBalance, positionOf } from "../services/portfolio/view";
import type { AppEnv } from "../types";

const json = <T>(schema: T) => ({ "application/json": { schema } });
const TAGS = ["Portfolio"];
const READ = [requireScope("read:portfolio")];
// API.md: every POST/DELETE under /portfolio made with an API key must be signed.
const WRITE = [requireScope("write:trading"), requireSignature()];
const SIGNED_NOTE =
  " Called with an API key, the request must be signed (`X-API-Timestamp`, `X-API-Signature`). 503 `trading_halted` while an administrator has halted trading.";

function accountOf(c: Context<AppEnv>): string {
  const principal = c.get("principal");
  if (!principal) throw new ApiError("unauthorized");
  return principal.user_id;
}

function replayed(c: Context<AppEnv>, outcome: TradeOutcome<unknown>): void {
  if (outcome.replayed) c.header("Idempotent-Replayed", "true");
}

const balanceRoute = createRoute({
  method: "get",
  path: "/api/v1/portfolio/balance",
  operationId: "getPortfolioBalance",
  tags: TAGS,
  summary: "Your balance",
  description:
    "The USDT ledger of your account, opened with `STARTING_BALANCE` on first access. `balance` = starting balance + realised PnL; `available` = balance − margin used; `equity` = balance + unrealised PnL at live prices. Amounts are exact decimal strings (at most 8 fractional digits, at least 2).",
  security: SECURED,
  middleware: READ,
  responses: {
    200: { description: "The balance.", content: json(BalanceSchema) },
    ...errorResponses(401, 403, 404, 502),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/api/v1/portfolio/positions",
  operationId: "listPositions",
  tags: TAGS,
  summary: "Your positions",
  description:
    "Open positions (default; newest first, valued at live prices) or closed ones (`status=closed`; most recently closed first, at their exit prices), paged with `limit` and `cursor`.",
  security: SECURED,
  middleware: READ,
  request: { query: ListPositionsQuery },
  responses: {
    200: { description: "A page of positions.", content: json(PositionListSchema) },
    ...errorResponses(401, 403, 404, 502),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/api/v1/portfolio/positions/{position_id}",
  operationId: "getPosition",
  tags: TAGS,
  summary: "One of your positions",
  description: "A position of yours; another account's position is 404 `not_found`, exactly like a missing one.",
  security: SECURED,
  middleware: READ,
  request: { params: PositionIdParam },
  responses: {
    200: { description: "The position.", content: json(PositionSchema) },
    ...errorResponses(401, 403, 404, 502),
  },
});

const openRoute = createRoute({
  method: "post",
  path: "/api/v1/portfolio/positions",
  operationId: "openPosition",
  tags: TAGS,
  summary: "Open a position",
  description: `Opens a long or short position at the symbol's live price (404 \`MARKET_001\` for an unknown symbol or one without a price) and reserves its margin, size × price / leverage rounded up to 8 digits. 422 \`PORT_001\` when the margin exceeds \`available\`; 422 \`PORT_002\` past the open-positions cap (default 50) or the symbol's open-notional cap. The checks and the write are one atomic step: concurrent opens can never together spend more than \`available\`. Fields other than symbol, size, type and leverage are refused (400). Send an \`Idempotency-Key\` to make retries safe.${SIGNED_NOTE}`,
  security: SECURED,
  middleware: WRITE,
  request: { headers: IdempotencyHeaders, body: { required: true, content: json(OpenPositionBody) } },
  responses: {
    201: { description: "Opened.", content: json(OpenedPositionSchema) },
    ...errorResponses(401, 403, 404, 409, 422, 502, 503),
  },
});

const closeRoute = createRoute({
  method: "delete",
  path: "/api/v1/portfolio/positions/{position_id}",
  operationId: "closePosition",
  tags: TAGS,
  summary: "Close a position",
  description: `Closes one of your open positions at the live price: the realised PnL moves the balance and the margin is released. Answers the closed position. Another account's or a missing position is 404 \`not_found\`; one already closed is 409 \`conflict\` (repeat the close's \`Idempotency-Key\` to get its response again instead).${SIGNED_NOTE}`,
  security: SECURED,
  middleware: WRITE,
  request: { headers: IdempotencyHeaders, params: PositionIdParam },
  responses: {
    200: { description: "The closed position, with its realised `pnl`.", content: json(PositionSchema) },
    ...errorResponses(401, 403, 404, 409, 502, 503),
  },
});

/** `/api/v1/portfolio…`: balance, positions, and the trading writes. */
export const portfolioRoutes = new OpenAPIHono<AppEnv>()
  .openapi(balanceRoute, async (c) => {
    return c.json(await portfolioBalance(c.env, accountOf(c), c.get("config").STARTING_BALANCE), 200);
  })
  .openapi(listRoute, async (c) => {
    return c.json(await listPositions(c.env, accountOf(c), c.req.valid("query")), 200);
  })
  .openapi(getRoute, async (c) => {
    return c.json(await positionOf(c.env, accountOf(c), c.req.valid("param").position_id), 200);
  })
  .openapi(openRoute, async (c) => {
    // The emergency halt goes first, before any money moves (the portfolio guard in app.ts
    // refuses earlier still; this keeps the route safe wherever it is mounted).
    await assertTradingOpen(c.env.DB);
    const account = accountOf(c);
    const order = c.req.valid("json");
    const outcome = await openPosition(c.env, account, order, c.req.valid("header")["idempotency-key"]);
    replayed(c, outcome);
    if (!outcome.replayed) {
      recordEvent(c, {
        event: "position.opened",
        details: { position_id: outcome.body.position_id, ...order, entry_price: outcome.body.entry_price },
      });
    }
    return c.json(outcome.body, 201);
  })
  .openapi(closeRoute, async (c) => {
    await assertTradingOpen(c.env.DB);
    const account = accountOf(c);
    const { position_id } = c.req.valid("param");
    const outcome = await closePosition(c.env, account, position_id, c.req.valid("header")["idempotency-key"]);
    replayed(c, outcome);
    if (!outcome.replayed) {
      const { symbol, current_price, pnl } = outcome.body;
      recordEvent(c, { event: "position.closed", details: { position_id, symbol, exit_price: current_price, pnl } });
    }
    return c.json(outcome.body, 200);
  });
