/**
 * AES-256-GCM encryption of small secrets at rest (WebCrypto). Each value gets a fresh random
 * 96-bit IV, and additional authenticated data binds it to its owner (e.g. a key id), so a
 * ciphertext copied onto another row fails to decrypt instead of lending that row its secret.
 * Stored form: `v1.<base64 iv>.<base64 ciphertext+tag>`; the version leaves room for re-keying.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const imported = new Map<string, Promise<CryptoKey>>();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

/** Imports the base64 32-byte `ENCRYPTION_KEY` once per isolate (non-extractable). */
function aesKey(keyBase64: string): Promise<CryptoKey> {
  let key = imported.get(keyBase64);
  if (!key) {
    const raw = fromBase64(keyBase64.trim());
    if (raw.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes");
    key = crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    imported.set(keyBase64, key);
    key.catch(() => imported.delete(keyBase64));
  }
  return key;
}

/**
 * Encrypts `plaintext` under the base64 AES-256 key, bound to `aad`.
 * @example await sealSecret(config.ENCRYPTION_KEY, secret, keyId) // "v1.…"
 */
export async function sealSecret(keyBase64: string, plaintext: string, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
    await aesKey(keyBase64),
    encoder.encode(plaintext),
  );
  return `${VERSION}.${toBase64(iv)}.${toBase64(new Uint8Array(ciphertext))}`;
}

/** Decrypts what `sealSecret` produced with the same key and `aad`; throws when anything differs. */
export async function openSecret(keyBase64: string, sealed: string, aad: string): Promise<string> {
  const [version, iv, ciphertext] = sealed.split(".");
  if (version !== VERSION || !iv || !ciphertext) throw new Error("unknown sealed-secret format");
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv), additionalData: encoder.encode(aad) },
    await aesKey(keyBase64),
    fromBase64(ciphertext),
  );
  return decoder.decode(plaintext);
}
