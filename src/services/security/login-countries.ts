import type { Context } from "hono";
import { noteLoginCountry } from "../../db/login-countries";
import { logger } from "../../lib/log";
import type { AppEnv } from "../../types";
import { countryOf, ipOf, waiterOf } from "../audit/request-facts";
import { storeSecurityEvent } from "../audit/security-events";

/**
 * Decides whether a login is from a country new for the account (pure): the account's first
 * country is its baseline, not an event.
 */
export function isNewCountry(previous: string[], country: string): boolean {
  return previous.length > 0 && !previous.includes(country);
}

/**
 * After a successful login: remembers the edge's country for the account and raises
 * `new_country_login` when the account has logged in before but never from there. Runs under
 * the request's `waitUntil`; a login without a known country is not judged.
 */
export function checkLoginCountry(c: Context<AppEnv>, accountId: string): void {
  const country = countryOf(c);
  if (!country) return;
  const ip = ipOf(c);
  const requestId = c.get("requestId");
  const work = (async () => {
    try {
      const previous = await noteLoginCountry(c.env.DB, accountId, country, Date.now());
      if (!isNewCountry(previous, country)) return;
      await storeSecurityEvent(
        c.env.DB,
        {
          type: "new_country_login",
          ip,
          account_id: accountId,
          details: { country, known_countries: previous.slice(0, 20) },
        },
        requestId,
      );
    } catch (err) {
      logger.error("login_country_check_failed", {
        request_id: requestId,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  })();
  const waiter = waiterOf(c);
  if (waiter) waiter.waitUntil(work);
}
