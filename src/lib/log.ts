/**
 * Structured JSON logs, one line per event. Values under keys that look like credentials are
 * replaced before anything is written, so a careless caller cannot leak a secret.
 */
const SECRET_KEY =
  /^(pass(word)?|token|authorization|cookie|signature|x-api-signature)$|secret|password|(^|_)(access|refresh|id)_?token$|^(x-)?api[_-]?key$|private[_-]?key/i;
const SECRET_VALUE = /\bpk_[1-9A-HJ-NP-Za-km-z]{20,}|\beyJ[\w-]+\.[\w-]+\.[\w-]+/g;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[depth]";
  if (typeof value === "string") return value.replace(SECRET_VALUE, "[redacted]");
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

type Level = "debug" | "info" | "warn" | "error";

function write(level: Level, msg: string, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...(redact(fields) as object) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** The service's logger. @example logger.info("request", { request_id, route, status }) */
export const logger = {
  debug: (msg: string, fields: Record<string, unknown> = {}) => write("debug", msg, fields),
  info: (msg: string, fields: Record<string, unknown> = {}) => write("info", msg, fields),
  warn: (msg: string, fields: Record<string, unknown> = {}) => write("warn", msg, fields),
  error: (msg: string, fields: Record<string, unknown> = {}) => write("error", msg, fields),
};
