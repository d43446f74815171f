#!/usr/bin/env node
// `npm run ingest -- file.csv SYMBOL INTERVAL [--url URL] [--token TOKEN] [--exchange NAME] [--batch N]`
// Loads a candle CSV (open_time in epoch ms, then open, high, low, close, volume) into a running
// Parapet (local `npm start` or a deployment) through POST /api/v1/market/ingest, in batches.
// The token needs `write:ingest` (an admin's access token); it is read from --token or
// PARAPET_TOKEN and never printed. The URL comes from --url or PARAPET_URL (default
// http://localhost:8787).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { checkTarget, parseCandleCsv, postCandles } from "./lib/candles.mjs";

const USAGE = `usage: npm run ingest -- <file.csv> <SYMBOL> <INTERVAL> [--url URL] [--token TOKEN] [--exchange NAME] [--batch N]
  SYMBOL like BTC-USDT; INTERVAL one of 1m, 5m, 1h, 1d
  env: PARAPET_URL (default http://localhost:8787), PARAPET_TOKEN (an access token with write:ingest)`;

function fail(message, code = 2) {
  console.error(`ingest: ${message}`);
  if (code === 2) console.error(USAGE);
  process.exit(code);
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: "string" },
        token: { type: "string" },
        exchange: { type: "string", default: "binance" },
        batch: { type: "string", default: "2000" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    fail(err.message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 3) fail("expected a file, a symbol and an interval");
  const [file, symbol, interval] = positionals;
  try {
    checkTarget(symbol, interval);
  } catch (err) {
    fail(err.message);
  }
  const url = (values.url ?? process.env.PARAPET_URL ?? "http://localhost:8787").replace(/\/+$/, "");
  const token = values.token ?? process.env.PARAPET_TOKEN;
  if (!token) fail("no token: pass --token or set PARAPET_TOKEN (an access token with write:ingest)");
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 5000) fail("--batch must be an integer from 1 to 5000");

  let rows;
  try {
    rows = parseCandleCsv(readFileSync(file, "utf8"), file);
  } catch (err) {
    fail(err.message, 1);
  }
  const started = Date.now();
  const tty = process.stdout.isTTY;
  const { accepted, rejected } = await postCandles({
    url,
    token,
    symbol,
    interval,
    rows,
    exchange: values.exchange,
    batch,
    onProgress: ({ sent, total, accepted, rejected }) => {
      const line = `ingest ${symbol} ${interval}: ${sent}/${total} sent, ${accepted} accepted, ${rejected.length} rejected`;
      if (tty) process.stdout.write(`\r${line}`);
      else console.log(line);
    },
  });
  if (tty) process.stdout.write("\n");
  for (const r of rejected.slice(0, 20)) console.error(`  row ${r.index + 2}: ${r.reason}`);
  if (rejected.length > 20) console.error(`  … and ${rejected.length - 20} more`);
  console.log(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${accepted} accepted, ${rejected.length} rejected`,
  );
  if (rejected.length > 0) process.exit(1);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err), 1));
