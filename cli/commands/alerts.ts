/** `alerts watch`: streams anomaly alerts as they arrive, through the SDK's self-healing stream. */
import { ParapetError, type Schemas, type WebSocketConstructor } from "../../src/client";
import { type Context, intValue, positionals, UsageError } from "../context";

type Alert = Schemas["StreamAnomalyAlert"]["data"];

/** The WebSocket class: the global one (Node ≥ 22, Bun, Deno), else the `ws` package. */
async function webSocketClass(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  // A variable specifier: `ws` is loaded at run time only, never bundled.
  const name = "ws";
  try {
    return ((await import(name)) as { default: WebSocketConstructor }).default;
  } catch {
    throw new UsageError("alerts watch needs a WebSocket: use Node ≥ 22, or install the ws package (npm install ws)");
  }
}

function line(alert: Alert): string {
  const details = Object.entries(alert.details)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
  return `${alert.timestamp}  ${alert.anomaly_type.padEnd(20)}  risk ${alert.risk_score.toFixed(2)}  ${alert.token_address}  ${details}\n`;
}

/**
 * `alerts watch [--token ADDRESS]… [--count N]`: one line per alert (`--json`: one JSON object
 * per line) until Ctrl-C, or until `--count` alerts arrived. Without `--token`, every token the
 * account monitors. Connection news goes to stderr, so stdout holds alerts only.
 */
export async function watch(ctx: Context): Promise<number> {
  positionals(ctx, []);
  const tokens = (ctx.values.token as string[] | undefined) ?? [];
  const count = intValue(ctx.values, "count", 1, 1_000_000);
  // Fail fast on a bad credential: a refused upgrade only shows up as a closed socket, retried forever.
  const me = await ctx.client.auth.me();
  if (!me.permissions.includes("read:tokens")) {
    throw new ParapetError({ code: "forbidden", status: 403, message: "This credential lacks read:tokens." });
  }
  const stream = ctx.client.stream("alerts", { WebSocket: await webSocketClass() });
  stream.subscribe(tokens.length > 0 ? { channel: "anomalies", token_addresses: tokens } : { channel: "anomalies" });
  let received = 0;
  let stopped = false;
  return new Promise<number>((resolve) => {
    const stop = (code: number) => {
      if (stopped) return;
      stopped = true;
      process.off("SIGINT", interrupted);
      process.off("SIGTERM", interrupted);
      stream.close();
      resolve(code);
    };
    const interrupted = () => stop(0);
    process.on("SIGINT", interrupted);
    process.on("SIGTERM", interrupted);
    stream.on("subscribed", (ack) => {
      if (ack.channel !== "anomalies") return;
      const what = ack.token_addresses ? ack.token_addresses.join(", ") : "every token this account monitors";
      ctx.io.err(`parapet: watching alerts for ${what} (Ctrl-C to stop)\n`);
    });
    stream.on("anomaly_alert", (message) => {
      ctx.io.out(ctx.json ? `${JSON.stringify(message.data)}\n` : line(message.data));
      received++;
      if (count !== undefined && received >= count) stop(0);
    });
    stream.on("error", (message) => ctx.io.err(`parapet: ${message.error.code}: ${message.error.message}\n`));
    stream.on("failure", (error) =>
      ctx.io.err(`parapet: ${(error as { code?: string }).code ?? "error"}: ${error.message}\n`),
    );
    stream.on("close", (event) => {
      if (event.reconnectInMs === null) {
        // Closed by us (count reached, Ctrl-C: already stopped) or for good (the session ended).
        stop(1);
        return;
      }
      ctx.io.err(
        `parapet: stream closed (${event.code}${event.reason ? ` ${event.reason}` : ""}); reconnecting in ${(event.reconnectInMs / 1000).toFixed(1)} s\n`,
      );
    });
  });
}
