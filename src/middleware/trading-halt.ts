import type { MiddlewareHandler } from "hono";
import { assertTradingOpen } from "../services/admin/trading-halt";
import type { AppEnv } from "../types";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Answers every trading write (POST/PUT/PATCH/DELETE under `/api/v1/portfolio`) with 503
 * `trading_halted` while the emergency halt is on, whichever route serves it, so no write can
 * slip through a route that forgot to check. Reads pass. One cached lookup per trading write.
 * @example app.use("/api/v1/portfolio/*", tradingHaltGuard())
 */
export function tradingHaltGuard(): MiddlewareHandler<AppEnv> {
  return async function tradingHaltGuardMiddleware(c, next) {
    if (WRITE_METHODS.has(c.req.method)) await assertTradingOpen(c.env.DB);
    await next();
  };
}
