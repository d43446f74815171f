/** Strict ISO 8601 parsing for market timestamps (no I/O). */

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Epoch ms of an ISO 8601 date-time with `Z` or an offset (fractions beyond milliseconds are
 * truncated), or of a plain date (UTC midnight) when `allowDate`. Null for anything else,
 * including impossible calendar dates such as February 30.
 */
export function parseIsoTime(value: string, allowDate = false): number | null {
  const match = ISO_DATE_TIME.exec(value);
  if (match) {
    const [, y, mo, d, h, mi, s = "0", frac = "", zone, oh = "0", om = "0"] = match;
    const ms = Number(frac.padEnd(3, "0").slice(0, 3));
    const local = checkedUtc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms);
    if (local === null || Number(oh) > 23 || Number(om) > 59) return null;
    const offset = zone === "Z" ? 0 : (zone?.startsWith("-") ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
    return local - offset;
  }
  const date = allowDate ? ISO_DATE.exec(value) : null;
  if (date) return checkedUtc(Number(date[1]), Number(date[2]), Number(date[3]), 0, 0, 0, 0);
  return null;
}

function checkedUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | null {
  if (h > 23 || mi > 59 || s > 59) return null;
  const time = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(time);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return time;
}

/** ISO 8601 UTC with milliseconds, ending in `Z`. */
export function toIso(time: number): string {
  return new Date(time).toISOString();
}
