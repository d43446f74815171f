/**
 * Password hashing with PBKDF2-SHA256 through WebCrypto. 100,000 iterations is the most the
 * Workers runtime allows; the parameters travel with each hash so they can be raised later
 * (`needsRehash`) without breaking stored ones.
 */

/** Iterations for new hashes: the Workers maximum for PBKDF2. */
export const PBKDF2_ITERATIONS = 100_000;
/** Passwords shorter than this are refused (API.md "Passwords"). */
export const MIN_PASSWORD_LENGTH = 12;
/** Upper bound on accepted passwords, so nobody can make the KDF chew on megabytes. */
export const MAX_PASSWORD_LENGTH = 256;

const SCHEME = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BITS = 256;
const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(value: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** NIST SP 800-63B: compare passwords after Unicode normalisation, so "é" typed two ways matches. */
function normalise(password: string): Uint8Array {
  return encoder.encode(password.normalize("NFKC"));
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", normalise(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

interface ParsedHash {
  iterations: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

function parse(stored: string): ParsedHash | null {
  const [scheme, iter, salt, hash, ...rest] = stored.split("$");
  if (scheme !== SCHEME || rest.length > 0 || !iter || !salt || !hash || !/^\d{1,7}$/.test(iter)) return null;
  const iterations = Number(iter);
  const saltBytes = fromBase64(salt);
  const hashBytes = fromBase64(hash);
  if (iterations < 1 || iterations > PBKDF2_ITERATIONS || !saltBytes || hashBytes?.length !== HASH_BITS / 8) {
    return null;
  }
  return { iterations, salt: saltBytes, hash: hashBytes };
}

/**
 * Hashes a password with a fresh random salt: `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64).
 * @example const stored = await hashPassword("correct horse battery staple")
 */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

// Verified against when the email is unknown, so that path runs the same KDF as a wrong password.
// Its salt is random per isolate (made on first use: Workers forbid randomness at global scope);
// the result is ignored whatever it is.
let dummyHash: ParsedHash | undefined;
function dummy(): ParsedHash {
  dummyHash ??= {
    iterations: PBKDF2_ITERATIONS,
    salt: crypto.getRandomValues(new Uint8Array(SALT_BYTES)),
    hash: new Uint8Array(HASH_BITS / 8),
  };
  return dummyHash;
}

/**
 * Checks a password against a stored hash in constant time. With `stored` null (unknown
 * account) it still runs the full KDF on a dummy hash and returns false, so both cases cost the same.
 */
export async function verifyPassword(
  password: string,
  stored: string | null,
): Promise<{ ok: boolean; needsRehash: boolean }> {
  const real = stored === null ? null : parse(stored);
  const parsed = real ?? dummy();
  const derived = await derive(password, parsed.salt, parsed.iterations);
  const equal = crypto.subtle.timingSafeEqual(derived, parsed.hash);
  const ok = real !== null && equal;
  return { ok, needsRehash: ok && parsed.iterations < PBKDF2_ITERATIONS };
}
