/** `monitor add|list|rm` and `anomalies`: Solana token monitoring from the command line. */
import type { Schemas } from "../../src/client";
import { type Context, choiceValue, intValue, numberValue, positionals, stringValue, UsageError } from "../context";
import { json, table } from "../output";

const ANOMALY_TYPES = [
  "whale_movement",
  "volume_spike",
  "price_spike",
  "price_crash",
  "holder_concentration",
  "wash_trading",
] as const;

/** `monitor add <ADDRESS>… [--interval SECONDS]`: one line per address with its monitoring id. */
export async function add(ctx: Context): Promise<void> {
  const addresses = ctx.positionals;
  if (addresses.length === 0 || addresses.length > 100) {
    throw new UsageError(`expected 1-100 <address> arguments, got ${addresses.length}`);
  }
  const update_interval = intValue(ctx.values, "interval", 60, 86_400) ?? 300;
  const result = await ctx.client.tokens.monitor({ token_addresses: addresses, update_interval });
  if (ctx.json) return ctx.io.out(json(result));
  const rows = addresses.map((address, i) => [result.monitoring_ids[i], address, update_interval]);
  ctx.io.out(table(["monitoring_id", "token_address", "update_interval"], rows));
}

/** `monitor list`: every monitor of the account (all pages). */
export async function list(ctx: Context): Promise<void> {
  positionals(ctx, []);
  const monitors: Schemas["Monitor"][] = [];
  for await (const page of ctx.client.pages("get", "/api/v1/monitor", { query: { limit: 100 } })) {
    monitors.push(...page.monitors);
  }
  if (ctx.json) return ctx.io.out(json({ monitors }));
  const rows = monitors.map((m) => [
    m.monitoring_id,
    m.token_address,
    m.update_interval,
    m.last_scan_at,
    m.next_scan_at,
  ]);
  ctx.io.out(table(["monitoring_id", "token_address", "update_interval", "last_scan_at", "next_scan_at"], rows));
}

/** `monitor rm <monitoring_id>`. */
export async function remove(ctx: Context): Promise<void> {
  const [id = ""] = positionals(ctx, ["monitoring_id"]);
  await ctx.client.tokens.unmonitor(id);
  ctx.io.out(ctx.json ? json({ monitoring_id: id, status: "stopped" }) : `stopped ${id}\n`);
}

/** `anomalies [--token ADDRESS] [--type T] [--min-risk R] [--since ISO] [--limit N]`: newest first. */
export async function anomalies(ctx: Context): Promise<void> {
  positionals(ctx, []);
  const token = stringValue(ctx.values, "token");
  const type = choiceValue(ctx.values, "type", ANOMALY_TYPES);
  const minRisk = numberValue(ctx.values, "min-risk", 0, 1);
  const since = stringValue(ctx.values, "since");
  const limit = intValue(ctx.values, "limit", 1, 1000);
  const result = await ctx.client.tokens.anomalies({
    ...(token ? { token_address: token } : {}),
    ...(type ? { anomaly_type: type } : {}),
    ...(minRisk !== undefined ? { min_risk_score: minRisk } : {}),
    ...(since ? { start_time: since } : {}),
    ...(limit !== undefined ? { limit } : {}),
  });
  if (ctx.json) return ctx.io.out(json(result));
  const rows = result.anomalies.map((a) => [
    a.timestamp,
    a.anomaly_type,
    a.risk_score.toFixed(2),
    a.token_address,
    typeof a.details.usd_value === "number" ? a.details.usd_value : null,
  ]);
  ctx.io.out(table(["timestamp", "anomaly_type", "risk", "token_address", "usd_value"], rows));
  if (result.next_cursor) ctx.io.err("parapet: more anomalies: raise --limit or use --json and the cursor\n");
}
