/** `price`, `history`, `risk`, `predict` and `ingest <csv>`. */
import { readFileSync } from "node:fs";
import { checkTarget, describeFile, parseCandleCsv } from "../../scripts/lib/candles.mjs";
import type { Schemas } from "../../src/client";
import { type Context, choiceValue, intValue, numberValue, positionals, stringValue, UsageError } from "../context";
import { fields, json, progress, table } from "../output";

const INTERVALS = ["1m", "5m", "1h", "1d"] as const;
type Candle = Schemas["Candle"];

/** `price <SYMBOL>`. */
export async function price(ctx: Context): Promise<void> {
  const [symbol = ""] = positionals(ctx, ["symbol"]);
  const result = await ctx.client.market.price(symbol);
  ctx.io.out(ctx.json ? json(result) : fields(result));
}

/** `history <SYMBOL> [--interval] [--start] [--end] [--limit] [--all]`: a candle table, `--json` for scripts. */
export async function history(ctx: Context): Promise<void> {
  const [symbol = ""] = positionals(ctx, ["symbol"]);
  const query = {
    interval: choiceValue(ctx.values, "interval", INTERVALS) ?? "1h",
    ...(stringValue(ctx.values, "start") ? { start: stringValue(ctx.values, "start") } : {}),
    ...(stringValue(ctx.values, "end") ? { end: stringValue(ctx.values, "end") } : {}),
    ...(ctx.values.limit !== undefined ? { limit: intValue(ctx.values, "limit", 1, 1000) } : {}),
  };
  let result: Schemas["MarketHistory"];
  if (ctx.values.all === true) {
    const data: Candle[] = [];
    let last: Schemas["MarketHistory"] | undefined;
    for await (const page of ctx.client.pages("get", "/api/v1/market/history/{symbol}", { path: { symbol }, query })) {
      data.push(...page.data);
      last = page;
    }
    // Pages without `start` walk backwards in time; the table reads oldest first.
    data.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    result = { ...(last as Schemas["MarketHistory"]), data, next_cursor: null };
  } else {
    result = await ctx.client.market.history(symbol, query);
  }
  if (ctx.json) return ctx.io.out(json(result));
  const rows = result.data.map((c) => [c.timestamp, c.open, c.high, c.low, c.close, c.volume]);
  ctx.io.out(table(["timestamp", "open", "high", "low", "close", "volume"], rows));
  if (result.next_cursor) ctx.io.err(`parapet: more candles: --all follows every page\n`);
}

/** `risk <SYMBOL> [--window N] [--confidence C]`. */
export async function risk(ctx: Context): Promise<void> {
  const [symbol = ""] = positionals(ctx, ["symbol"]);
  const window = intValue(ctx.values, "window", 1, 100_000);
  const confidence = numberValue(ctx.values, "confidence", 0, 1);
  const result = await ctx.client.analysis.risk(symbol, {
    ...(window !== undefined ? { window } : {}),
    ...(confidence !== undefined ? { confidence } : {}),
  });
  ctx.io.out(ctx.json ? json(result) : fields(result));
}

/** `predict <SYMBOL> [--timeframe 1h|4h|1d] [--model lstm|ensemble]`. */
export async function predict(ctx: Context): Promise<void> {
  const [symbol = ""] = positionals(ctx, ["symbol"]);
  const timeframe = choiceValue(ctx.values, "timeframe", ["1h", "4h", "1d"] as const);
  const model = choiceValue(ctx.values, "model", ["lstm", "ensemble"] as const);
  const result = await ctx.client.analysis.prediction(symbol, {
    ...(timeframe ? { timeframe } : {}),
    ...(model ? { model } : {}),
  });
  ctx.io.out(ctx.json ? json(result) : fields(result));
}

/**
 * `ingest <file.csv> [--symbol S --interval I] [--exchange] [--batch N]`: posts the candles in
 * batches with a progress bar. Symbol and interval come from a name like `BTCUSDT-1d.csv` unless given.
 */
export async function ingest(ctx: Context): Promise<number> {
  const [file = ""] = positionals(ctx, ["file.csv"]);
  const named = describeFile(file);
  const symbol = stringValue(ctx.values, "symbol") ?? named?.symbol;
  const interval = stringValue(ctx.values, "interval") ?? named?.interval;
  if (!symbol || !interval)
    throw new UsageError(`${file}: give --symbol and --interval (or name it like BTCUSDT-1d.csv)`);
  try {
    checkTarget(symbol, interval);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const batch = intValue(ctx.values, "batch", 1, 5000) ?? 2000;
  const exchange = stringValue(ctx.values, "exchange") ?? "binance";
  let rows: ReturnType<typeof parseCandleCsv>;
  try {
    rows = parseCandleCsv(readFileSync(file, "utf8"), file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const bar = progress(ctx.io, `ingest ${symbol} ${interval}`, rows.length);
  let accepted = 0;
  const rejected: Array<{ index: number; kind: string; reason: string }> = [];
  bar.update(0);
  for (let start = 0; start < rows.length; start += batch) {
    const slice = rows.slice(start, start + batch);
    const candles = slice.map((c) => ({
      symbol,
      interval: interval as (typeof INTERVALS)[number],
      timestamp: new Date(c.open_time).toISOString(),
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
      volume: c.volume,
    }));
    const result = await ctx.client.market.ingest({ exchange, candles });
    accepted += result.accepted;
    for (const r of result.rejected) rejected.push({ ...r, index: start + r.index });
    bar.update(start + slice.length, `(${accepted} accepted, ${rejected.length} rejected)`);
  }
  bar.finish();
  for (const r of rejected.slice(0, 20)) ctx.io.err(`  row ${r.index + 2}: ${r.reason}\n`);
  if (rejected.length > 20) ctx.io.err(`  … and ${rejected.length - 20} more\n`);
  const summary = { file, symbol, interval, rows: rows.length, accepted, rejected: rejected.length };
  ctx.io.out(
    ctx.json
      ? json({ ...summary, rejected_rows: rejected })
      : `${accepted} of ${rows.length} candles accepted, ${rejected.length} rejected\n`,
  );
  return rejected.length > 0 ? 1 : 0;
}
