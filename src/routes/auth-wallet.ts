import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { TokenPairSchema, WalletNonce, WalletNonceQuery, WalletVerifyBody } from "../schemas/auth";
import { errorResponses } from "../schemas/common";
import { issueWalletNonce, walletSignIn } from "../services/auth/wallet";
import type { AppEnv } from "../types";
import { authDeps, noStore } from "./auth";

const json = <T>(schema: T) => ({ "application/json": { schema } });
const TAGS = ["Authentication"];

const nonceRoute = createRoute({
  method: "get",
  path: "/api/v1/auth/wallet/nonce",
  operationId: "walletNonce",
  tags: TAGS,
  summary: "Start a Solana wallet sign-in",
  description:
    "Issues a single-use nonce (valid 5 minutes) and the exact Sign-In-With-Solana message the wallet must sign: this service's domain, the wallet address, a statement, URI, version, chain id, nonce, issued-at and expiration time.",
  security: [],
  request: { query: WalletNonceQuery },
  responses: {
    200: { description: "The nonce and the message to sign.", content: json(WalletNonce) },
    ...errorResponses(403),
  },
});

const verifyRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/wallet/verify",
  operationId: "walletVerify",
  tags: TAGS,
  summary: "Finish a Solana wallet sign-in",
  description:
    "Verifies the ed25519 signature (base58 or base64) of the issued message against the wallet's public key and returns a token pair whose access token carries `wallet` and `nonce`. A wallet's first sign-in creates a `developer` account. Refusals are 401 `invalid_credentials` with `details.reason`: `unknown_nonce`, `message_mismatch` (not the message issued for this wallet), `nonce_used`, `nonce_expired` or `bad_signature`.",
  security: [],
  request: { body: { required: true, content: json(WalletVerifyBody) } },
  responses: {
    200: { description: "A new session's token pair.", content: json(TokenPairSchema) },
    ...errorResponses(401, 403),
  },
});

/** `/api/v1/auth/wallet/{nonce,verify}`: Sign-In-With-Solana. */
export const walletAuthRoutes = new OpenAPIHono<AppEnv>()
  .openapi(nonceRoute, async (c) => {
    const { wallet } = c.req.valid("query");
    const issued = await issueWalletNonce(authDeps(c), { wallet, origin: new URL(c.req.url).origin });
    noStore(c);
    return c.json(issued, 200);
  })
  .openapi(verifyRoute, async (c) => {
    const tokens = await walletSignIn(authDeps(c), c.req.valid("json"));
    noStore(c);
    return c.json(tokens, 200);
  });
