import type { Context, MiddlewareHandler, Next } from "hono";
import { decodeJwt } from "jose";
import { ApiError } from "../errors";
import type { AppEnv, Principal } from "../types";
import { authenticate, readCredential, resolvePrincipal } from "./auth";

const expiries = new WeakMap<Principal, number>();

/** When the JWT behind a principal resolved by `authenticateStream` expires (epoch ms); null for API keys. */
export function credentialExpiry(principal: Principal): number | null {
  return expiries.get(principal) ?? null;
}

/** Remembers the expiry of a JWT the caller was just authenticated with (already verified). */
function rememberExpiry(c: Context<AppEnv>, credential: { kind: "jwt" | "api_key"; value: string } | null): void {
  const principal = c.get("principal");
  if (!principal || credential?.kind !== "jwt") return;
  const { exp } = decodeJwt(credential.value);
  if (typeof exp === "number") expiries.set(principal, exp * 1000);
}

/**
 * Authenticates a WebSocket upgrade: credential headers go through the REST middleware
 * (`authenticate()`, with all its checks), or `?token=<jwt or pk_ key>` for browsers, which cannot
 * set headers on a WebSocket. Both at once is refused (400), so a request never carries two
 * identities. Bad credentials answer their 401/403 before any upgrade; none leaves the caller
 * anonymous for `requireScope` to refuse. The query string is never logged (request logs carry
 * route templates only).
 * @example createRoute({ ..., middleware: [authenticateStream(), requireScope("read:market")] })
 */
export function authenticateStream(): MiddlewareHandler<AppEnv> {
  const rest = authenticate();
  return async function authenticateStreamMiddleware(c, next: Next) {
    const token = c.req.query("token");
    if (!token) {
      return rest(c, async () => {
        rememberExpiry(c, readCredential(c));
        await next();
      });
    }
    if (c.req.header("authorization") !== undefined || c.req.header("x-api-key") !== undefined) {
      throw new ApiError("validation_error", "Send the credential once: in a header or in ?token=, not both.", {
        details: { issues: [{ path: "query.token", message: "not allowed together with a credential header" }] },
      });
    }
    const credential = { kind: token.startsWith("pk_") ? ("api_key" as const) : ("jwt" as const), value: token };
    c.set("principal", await resolvePrincipal(c, credential));
    rememberExpiry(c, credential);
    await next();
  };
}
