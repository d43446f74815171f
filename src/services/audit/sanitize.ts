import { canonicalJson } from "./chain";

/**
 * What may enter the audit table (pure). Callers are told never to pass tokens, keys, secrets,
 * passwords or bodies; this is the second line of defence: credential-looking keys are dropped,
 * credential-looking values are masked, and sizes are bounded so one entry cannot bloat the log.
 */

const SECRET_KEY =
  /^(pass(word)?|token|authorization|cookie|signature|body|raw_?body)$|secret|password|passphrase|(^|_)(access|refresh|id)_?token$|^(x-)?api[_-]?key$|private[_-]?key|key_hash|token_hash|password_hash/i;
// API keys (pk_…), JWTs, bearer values and long opaque tokens (refresh tokens are rt_…).
const SECRET_VALUE = /\bpk_[A-Za-z0-9]{16,}|\beyJ[\w-]+\.[\w-]+\.[\w-]*|\brt_[\w-]{16,}|\bBearer\s+\S+/g;

/** Longest string kept in any field; user agents and details strings are cut here. */
export const MAX_TEXT = 256;
/** Largest serialised `details` kept; bigger ones are replaced by a marker. */
export const MAX_DETAILS_BYTES = 4096;
const MAX_DEPTH = 4;
const MAX_KEYS = 32;

/** Masks credential-looking substrings and cuts the text to `max` characters. */
export function cleanText(value: string | null | undefined, max = MAX_TEXT): string | null {
  if (value === null || value === undefined) return null;
  return value.replace(SECRET_VALUE, "[redacted]").slice(0, max);
}

function clean(value: unknown, depth: number): unknown {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") return cleanText(value);
  if (depth >= MAX_DEPTH) return "[depth]";
  if (Array.isArray(value)) return value.slice(0, MAX_KEYS).map((v) => clean(v, depth + 1));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value).slice(0, MAX_KEYS)) {
      if (SECRET_KEY.test(key) || v === undefined) continue;
      out[key.slice(0, 64)] = clean(v, depth + 1);
    }
    return out;
  }
  return null; // functions, symbols, bigints: nothing an audit reader needs
}

/** `details` as stored: cleaned, bounded, canonical JSON text of an object. */
export function cleanDetails(details: Record<string, unknown> | undefined): string {
  const text = canonicalJson(clean(details ?? {}, 0));
  if (new TextEncoder().encode(text).length <= MAX_DETAILS_BYTES) return text;
  return canonicalJson({ truncated: true });
}
