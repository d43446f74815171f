// Loads candle CSVs (`open_time,open,high,low,close,volume`, open_time in epoch ms) into a
// running Parapet through POST /api/v1/market/ingest. Shared by `npm run ingest` and the seed.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

const HEADER = "open_time,open,high,low,close,volume";
const DECIMAL = /^(0|[1-9]\d{0,19})(\.\d{1,18})?$/;
const INTERVALS = ["1m", "5m", "1h", "1d"];
// Quote assets recognised in file names such as BTCUSDT-1d.csv (longest first).
const QUOTES = ["FDUSD", "USDT", "USDC", "BUSD", "TUSD", "BTC", "ETH", "BNB", "EUR", "TRY"];

/**
 * @typedef {{ open_time: number, open: string, high: string, low: string, close: string, volume: string }} CsvCandle
 */

/**
 * Parses a candle CSV; throws naming the first bad line.
 * @param {string} text
 * @param {string} [name]
 * @returns {CsvCandle[]}
 */
export function parseCandleCsv(text, name = "csv") {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines[0]?.trim() !== HEADER) throw new Error(`${name}: the first line must be "${HEADER}"`);
  return lines.slice(1).map((line, i) => {
    const cells = line.trim().split(",");
    const [time, ...values] = cells;
    if (cells.length !== 6 || !/^\d{1,15}$/.test(time) || !values.every((v) => DECIMAL.test(v))) {
      throw new Error(`${name}:${i + 2}: expected epoch-ms open time and five decimals, got "${line.trim()}"`);
    }
    const [open, high, low, close, volume] = values;
    return { open_time: Number(time), open, high, low, close, volume };
  });
}

/** `BTCUSDT-1d.csv` → `{ symbol: "BTC-USDT", interval: "1d" }`, or null when the name does not say. */
export function describeFile(file) {
  const match = /^([A-Z0-9]+)-(1m|5m|1h|1d)\.csv$/.exec(basename(file));
  if (!match) return null;
  const quote = QUOTES.find((q) => match[1].endsWith(q) && match[1].length > q.length);
  return quote ? { symbol: `${match[1].slice(0, -quote.length)}-${quote}`, interval: match[2] } : null;
}

/** Checks the arguments the ingest endpoint would refuse anyway, with a clearer message. */
export function checkTarget(symbol, interval) {
  if (!/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/.test(symbol ?? ""))
    throw new Error(`symbol must look like BTC-USDT, got "${symbol}"`);
  if (!INTERVALS.includes(interval))
    throw new Error(`interval must be one of ${INTERVALS.join(", ")}, got "${interval}"`);
}

const iso = (time) => new Date(time).toISOString();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** fetch with retries on 429/5xx and network errors (honours Retry-After); other errors throw. */
async function request(url, init, what) {
  for (let attempt = 1; ; attempt++) {
    let res;
    try {
      res = await fetch(url, init);
    } catch (err) {
      if (attempt >= 5) throw new Error(`${what}: ${err.message}`);
      await sleep(500 * 2 ** attempt);
      continue;
    }
    if (res.ok) return res.json();
    const body = await res.json().catch(() => ({}));
    const retryable = res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= 5) {
      const error = body?.error;
      throw new Error(`${what}: ${res.status} ${error?.code ?? ""} ${error?.message ?? ""}`.trim());
    }
    const retryAfter = Number(res.headers.get("retry-after"));
    await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 500 * 2 ** attempt);
  }
}

/**
 * Posts candles in batches; calls `onProgress({ sent, total, accepted, rejected })` after each.
 * Returns the totals and every rejection (with the index in `rows`).
 * @param {{ url: string, token: string, symbol: string, interval: string, rows: CsvCandle[], exchange?: string,
 *   batch?: number, onProgress?: (p: { sent: number, total: number, accepted: number, rejected: object[] }) => void }} options
 * @returns {Promise<{ accepted: number, rejected: Array<{ index: number, kind: string, reason: string }> }>}
 */
export async function postCandles({
  url,
  token,
  symbol,
  interval,
  rows,
  exchange = "binance",
  batch = 2000,
  onProgress,
}) {
  const totals = { accepted: 0, rejected: [] };
  for (let start = 0; start < rows.length; start += batch) {
    const slice = rows.slice(start, start + batch);
    const candles = slice.map((c) => ({ symbol, interval, timestamp: iso(c.open_time), ...withoutTime(c) }));
    const result = await request(
      `${url}/api/v1/market/ingest`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ exchange, candles }),
      },
      `ingest ${symbol} ${interval}`,
    );
    totals.accepted += result.accepted;
    for (const r of result.rejected) totals.rejected.push({ ...r, index: start + r.index });
    onProgress?.({ sent: start + slice.length, total: rows.length, ...totals });
  }
  return totals;
}

function withoutTime({ open, high, low, close, volume }) {
  return { open, high, low, close, volume };
}

/** True when the server holds exactly this candle (same open time and values) for the interval. */
async function hasCandle({ url, token, symbol, interval, candle }) {
  const query = new URLSearchParams({
    interval,
    start: iso(candle.open_time),
    end: iso(candle.open_time + 1),
    limit: "1",
  });
  const res = await fetch(`${url}/api/v1/market/history/${symbol}?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status === 404) return false;
  if (!res.ok) throw new Error(`history ${symbol}: ${res.status}`);
  const [stored] = (await res.json()).data;
  return (
    stored?.timestamp === iso(candle.open_time) &&
    ["open", "high", "low", "close", "volume"].every((k) => stored[k] === candle[k])
  );
}

/**
 * Loads every `<SYMBOL><QUOTE>-<interval>.csv` of `dir` (in name order, so a symbol's 1d file
 * comes before its 1h file). A file whose first and last candles the server already holds is
 * skipped: batches go oldest first, each in one transaction, so a stored last candle means
 * the whole file got there.
 * @param {{ url: string, token: string, dir: string, log?: (line: string) => void, batch?: number }} options
 * @returns {Promise<{ loaded: string[], skipped: string[] }>}
 */
export async function loadCandleDir({ url, token, dir, log = () => {}, batch }) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .sort();
  const summary = { loaded: [], skipped: [] };
  for (const file of files) {
    const target = describeFile(file);
    if (!target) {
      log(`candles: ${file}: name does not say symbol and interval (e.g. BTCUSDT-1d.csv), skipped`);
      continue;
    }
    const rows = parseCandleCsv(readFileSync(join(dir, file), "utf8"), file);
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first) continue;
    const args = { url, token, ...target };
    if ((await hasCandle({ ...args, candle: last })) && (await hasCandle({ ...args, candle: first }))) {
      summary.skipped.push(file);
      log(`candles: ${target.symbol} ${target.interval} already loaded (${rows.length} candles)`);
      continue;
    }
    const result = await postCandles({ ...args, rows, batch });
    if (result.rejected.length > 0) {
      const [r] = result.rejected;
      throw new Error(`${file}: ${result.rejected.length} candles refused, first at row ${r.index + 2}: ${r.reason}`);
    }
    summary.loaded.push(file);
    log(`candles: ${target.symbol} ${target.interval}: ${result.accepted} candles loaded`);
  }
  return summary;
}
