import bs58 from "bs58";

/** Length of an ed25519 public key, which is what a Solana address encodes. */
export const SOLANA_ADDRESS_BYTES = 32;

/**
 * Decodes a base58 Solana address into its 32 public-key bytes, or null when it is not one:
 * bad alphabet, wrong length, or a non-canonical spelling (so one key has exactly one address).
 * @example decodeSolanaAddress("11111111111111111111111111111111") // 32 zero bytes
 */
export function decodeSolanaAddress(address: string): Uint8Array | null {
  if (typeof address !== "string" || address.length < 32 || address.length > 44) return null;
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(address);
  } catch {
    return null;
  }
  if (bytes.length !== SOLANA_ADDRESS_BYTES) return null;
  return bs58.encode(bytes) === address ? bytes : null;
}

/** Base58 spelling of bytes (e.g. a public key as a Solana address). */
export function encodeBase58(bytes: Uint8Array): string {
  return bs58.encode(bytes);
}

const SIGNATURE_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function decodeBase64(value: string): Uint8Array | null {
  if (!BASE64.test(value)) return null;
  try {
    const binary = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * The 64-byte ed25519 signatures a string may spell, in base58 or base64 (standard or url-safe).
 * A string can be valid in both alphabets, so every 64-byte reading is returned and the caller
 * accepts the signature when any of them verifies.
 */
export function decodeSignatureCandidates(signature: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (signature.length > 200) return out;
  try {
    const bytes = bs58.decode(signature);
    if (bytes.length === SIGNATURE_BYTES) out.push(bytes);
  } catch {
    // not base58
  }
  const b64 = decodeBase64(signature);
  if (b64?.length === SIGNATURE_BYTES) out.push(b64);
  return out;
}

/**
 * Verifies an ed25519 signature over a UTF-8 message with the public key a Solana address
 * decodes to, using WebCrypto. False for anything malformed; never throws.
 */
export async function verifySolanaSignature(address: string, message: string, signature: string): Promise<boolean> {
  const publicKey = decodeSolanaAddress(address);
  if (!publicKey) return false;
  const candidates = decodeSignatureCandidates(signature);
  if (candidates.length === 0) return false;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  } catch {
    // Not a valid curve point: nothing can verify against it.
    return false;
  }
  const data = new TextEncoder().encode(message);
  for (const candidate of candidates) {
    try {
      if (await crypto.subtle.verify({ name: "Ed25519" }, key, candidate, data)) return true;
    } catch {
      // a malformed signature is simply not valid
    }
  }
  return false;
}
