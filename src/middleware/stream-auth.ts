import type { MiddlewareHandler } from "hono";
import { decodeJwt } from "jose";
import { ApiError } from "../errors";
import type { AppEnv, Principal } from "../types";
import { readCredential, resolvePrincipal } from "./auth";

const expiries = new WeakMap<Principal, number>();

/** When the credential behind a principal resolved by `authenticateStream` expires (epoch ms), if it does. */
export function credentialExpiry(principal: Principal): number | null {
  return expiries.get(principal) ?? null;
}

/**
 * Authenticates a WebSocket upgrade exactly like a REST call (`Authorization: Bearer <jwt|pk_…>`
 * or `X-API-Key`), or from `?token=<jwt or pk_ key>` since browsers cannot set headers on a
 * WebSocket. Both at once is refused (400), so a request never carries two identities. Bad
 * credentials answer their 401/403 before any upgrade; none leaves the caller anonymous for
 * `requireScope` to refuse. The query string is never logged (the request log has route templates only).
 * @example createRoute({ ..., middleware: [authenticateStream(), requireScope("read:market")] })
 */
export function authenticateStream(): MiddlewareHandler<AppEnv> {
  return async function authenticateStreamMiddleware(c, next) {
    const fromHeaders = readCredential(c);
    const token = c.req.query("token");
    if (fromHeaders && token) {
      throw new ApiError("validation_error", "Send the credential once: in a header or in ?token=, not both.", {
        details: { issues: [{ path: "query.token", message: "not allowed together with a credential header" }] },
      });
    }
    const credential =
      fromHeaders ?? (token ? { kind: token.startsWith("pk_") ? "api_key" : "jwt", value: token } : null);
    if (credential) {
      const principal = await resolvePrincipal(c, credential as { kind: "jwt" | "api_key"; value: string });
      if (credential.kind === "jwt") {
        // Verified just above; only its expiry is read here, so the room can close the socket then.
        const { exp } = decodeJwt(credential.value);
        if (typeof exp === "number") expiries.set(principal, exp * 1000);
      }
      c.set("principal", principal);
    }
    await next();
  };
}
