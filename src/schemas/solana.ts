import { z } from "@hono/zod-openapi";
import { decodeSolanaAddress } from "../lib/solana";

/**
 * A base58 Solana address that decodes to exactly 32 bytes; anything else fails validation
 * (400 `validation_error`). Used for wallets and token mints.
 */
export const SolanaAddress = z
  .string()
  .refine((value) => decodeSolanaAddress(value) !== null, {
    message: "must be a base58 Solana address that decodes to 32 bytes",
  })
  .openapi({
    description: "Base58 Solana address (a 32-byte ed25519 public key).",
    example: "7Lf2U6kZK6TqJ4d4BWK3TYsy7ZrXksu5oEAXpgAHbMR9",
    minLength: 32,
    maxLength: 44,
    pattern: "^[1-9A-HJ-NP-Za-km-z]{32,44}$",
  });
