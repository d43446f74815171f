import { z } from "@hono/zod-openapi";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../services/auth/passwords";
import { SCOPES } from "../types";
import { IsoTime } from "./common";
import { SolanaAddress } from "./solana";

/** An email, trimmed and lowercased before it is validated, stored or compared. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .email({ message: "must be an email address" })
  .openapi({ description: "Email address (compared case-insensitively).", example: "ada@example.com" });

const codePoints = (value: string) => [...value].length;

/** A password: 12 to 256 characters (Unicode code points). */
export const NewPassword = z
  .string()
  .refine((v) => codePoints(v) >= MIN_PASSWORD_LENGTH, {
    message: `must be at least ${MIN_PASSWORD_LENGTH} characters`,
  })
  .refine((v) => codePoints(v) <= MAX_PASSWORD_LENGTH, { message: `must be at most ${MAX_PASSWORD_LENGTH} characters` })
  .openapi({
    description: `${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters.`,
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    example: "correct horse battery staple",
  });

/** A password as presented at login: any non-empty string up to the maximum (policy is for new ones). */
const Password = z
  .string()
  .min(1)
  .refine((v) => codePoints(v) <= MAX_PASSWORD_LENGTH, { message: `must be at most ${MAX_PASSWORD_LENGTH} characters` })
  .openapi({ example: "correct horse battery staple", maxLength: MAX_PASSWORD_LENGTH });

export const RegisterBody = z
  .object({
    email: Email,
    password: NewPassword,
    role: z.enum(["developer", "trader"]).optional().openapi({
      description: "`developer` (default) or `trader`. `admin` cannot be chosen: it comes from `ADMIN_EMAILS`.",
      example: "trader",
    }),
  })
  .openapi("RegisterRequest");

export const RegisteredUser = z
  .object({
    user_id: z.string().openapi({ example: "usr_3f1c2a9e6b1d4f7a9a572f0d" }),
    email: z.string().openapi({ example: "ada@example.com" }),
    role: z.enum(["developer", "trader", "admin"]).openapi({ example: "trader" }),
  })
  .openapi("RegisteredUser");

export const LoginBody = z.object({ email: Email, password: Password }).openapi("LoginRequest");

const RefreshTokenField = z.string().min(1).max(512).openapi({
  description: "The opaque refresh token from the last token pair.",
  example: "rt_1nYq0m8b3vX2kQ7tZsPj4WcR9eL5uH6aD0gF2iK8oM1",
});

export const RefreshBody = z.object({ refresh_token: RefreshTokenField }).openapi("RefreshRequest");
export const LogoutBody = z.object({ refresh_token: RefreshTokenField }).openapi("LogoutRequest");

export const TokenPairSchema = z
  .object({
    access_token: z.string().openapi({
      description: "JWT for `Authorization: Bearer …`.",
      example: "eyJhbGciOiJIUzI1NiIsImtpZCI6ImhzMjU2LTEyMyIsInR5cCI6IkpXVCJ9.e30.c2ln",
    }),
    refresh_token: z.string().openapi({
      description: "Opaque, single-use: every refresh returns a new one and kills the old one.",
      example: "rt_1nYq0m8b3vX2kQ7tZsPj4WcR9eL5uH6aD0gF2iK8oM1",
    }),
    token_type: z.literal("Bearer").openapi({ example: "Bearer" }),
    expires_in: z.number().int().openapi({ description: "Access token lifetime in seconds.", example: 1800 }),
    expires_at: IsoTime.openapi({ description: "When the access token expires." }),
  })
  .openapi("TokenPair");

export const WalletNonceQuery = z.object({
  wallet: SolanaAddress.openapi({ param: { name: "wallet", in: "query" } }),
});

export const WalletNonce = z
  .object({
    wallet: SolanaAddress,
    nonce: z.string().openapi({ example: "9f86d081884c7d659a2feaa0c55ad015" }),
    message: z.string().openapi({
      description: "The exact Sign-In-With-Solana text to sign (UTF-8), as issued.",
      example:
        "api.parapet.dev wants you to sign in with your Solana account:\n7Lf2U6kZK6TqJ4d4BWK3TYsy7ZrXksu5oEAXpgAHbMR9\n\nSign in to Parapet. This request will not trigger a blockchain transaction or cost any fees.\n\nURI: https://api.parapet.dev\nVersion: 1\nChain ID: mainnet\nNonce: 9f86d081884c7d659a2feaa0c55ad015\nIssued At: 2026-01-05T00:00:00.000Z\nExpiration Time: 2026-01-05T00:05:00.000Z",
    }),
    expires_at: IsoTime.openapi({ description: "The nonce is single-use and valid until then (5 minutes)." }),
  })
  .openapi("WalletNonce");

export const WalletVerifyBody = z
  .object({
    wallet: SolanaAddress,
    message: z.string().min(1).max(2048).openapi({ description: "The message exactly as issued by the nonce call." }),
    signature: z.string().min(1).max(200).openapi({
      description: "The ed25519 signature over the UTF-8 message, base58 or base64.",
      example: "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW",
    }),
  })
  .openapi("WalletVerifyRequest");

export const MeSchema = z
  .object({
    user_id: z.string().openapi({ example: "usr_3f1c2a9e6b1d4f7a9a572f0d" }),
    email: z.string().nullable().openapi({ description: "Null for wallet accounts.", example: "ada@example.com" }),
    wallet: z.string().nullable().openapi({ description: "Null for email accounts.", example: null }),
    role: z.enum(["developer", "trader", "admin"]).openapi({ example: "developer" }),
    permissions: z
      .array(z.enum(SCOPES))
      .openapi({ description: "Scopes of the credential used.", example: ["read:market", "read:analysis"] }),
  })
  .openapi("Me");

export const Jwks = z
  .object({
    keys: z.array(z.record(z.string(), z.unknown())).openapi({
      description: "Public JWKs of the current signing key (empty with HS256: a shared secret is never published).",
      example: [
        {
          kty: "OKP",
          crv: "Ed25519",
          x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
          kid: "…",
          alg: "EdDSA",
          use: "sig",
        },
      ],
    }),
  })
  .openapi("Jwks");
