/**
 * `parapet`: the command-line client, built on the SDK (`src/client`). Exit codes: 0 done,
 * 1 the API or the network refused (the error code on stderr), 2 a mistake in the command line.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { ParapetError } from "../src/client";
import * as account from "./commands/account";
import * as alerts from "./commands/alerts";
import * as market from "./commands/market";
import * as tokens from "./commands/tokens";
import { type Context, createContext, UsageError, type Values } from "./context";
import { type Io, processIo } from "./output";

type Options = NonNullable<ParseArgsConfig["options"]>;

interface Command {
  usage: string;
  summary: string;
  options?: Options;
  /** Resolves with the exit code, or anything else for 0. */
  run: (ctx: Context) => Promise<unknown>;
}

const GLOBAL: Options = {
  url: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const COMMANDS: Record<string, Command> = {
  login: {
    usage: "login [--email EMAIL] [--password-stdin] | login --api-key",
    summary: "start a session (password from PARAPET_PASSWORD, stdin or a prompt), or use an API key",
    options: { email: { type: "string" }, "password-stdin": { type: "boolean" }, "api-key": { type: "boolean" } },
    run: account.login,
  },
  logout: { usage: "logout", summary: "end the session and forget stored credentials", run: account.logout },
  whoami: { usage: "whoami", summary: "who the stored credential belongs to", run: account.whoami },
  config: {
    usage: "config [--url URL]",
    summary: "show the config file (no secrets), or set the API URL",
    run: account.config,
  },
  "keys create": {
    usage: "keys create --name NAME --scopes a,b [--tier T] [--ip CIDR,…] [--countries DE,…] [--expires-in-days N]",
    summary: "create an API key (its secret is shown once)",
    options: {
      name: { type: "string" },
      scopes: { type: "string" },
      tier: { type: "string" },
      ip: { type: "string" },
      countries: { type: "string" },
      "expires-in-days": { type: "string" },
    },
    run: (ctx) => account.keys(ctx, "create"),
  },
  "keys list": { usage: "keys list", summary: "your API keys", run: (ctx) => account.keys(ctx, "list") },
  "keys rotate": {
    usage: "keys rotate <key_id>",
    summary: "replace a key (the old one stops working)",
    run: (ctx) => account.keys(ctx, "rotate"),
  },
  "keys revoke": { usage: "keys revoke <key_id>", summary: "revoke a key", run: (ctx) => account.keys(ctx, "revoke") },
  price: { usage: "price <SYMBOL>", summary: "latest price", run: market.price },
  history: {
    usage: "history <SYMBOL> [--interval 1m|5m|1h|1d] [--start ISO] [--end ISO] [--limit N] [--all]",
    summary: "candles as a table (--json for scripts)",
    options: {
      interval: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      limit: { type: "string" },
      all: { type: "boolean" },
    },
    run: market.history,
  },
  risk: {
    usage: "risk <SYMBOL> [--window DAYS] [--confidence 0.95]",
    summary: "historical VaR, expected shortfall, volatility",
    options: { window: { type: "string" }, confidence: { type: "string" } },
    run: market.risk,
  },
  predict: {
    usage: "predict <SYMBOL> [--timeframe 1h|4h|1d] [--model lstm|ensemble]",
    summary: "price forecast with its interval",
    options: { timeframe: { type: "string" }, model: { type: "string" } },
    run: market.predict,
  },
  ingest: {
    usage: "ingest <file.csv> [--symbol BTC-USDT --interval 1d] [--exchange NAME] [--batch N]",
    summary: "load a candle CSV (open_time,open,high,low,close,volume) with a progress bar",
    options: {
      symbol: { type: "string" },
      interval: { type: "string" },
      exchange: { type: "string" },
      batch: { type: "string" },
    },
    run: market.ingest,
  },
  "monitor add": {
    usage: "monitor add <ADDRESS>… [--interval SECONDS]",
    summary: "start monitoring Solana token mints (interval 60-86400 s, default 300)",
    options: { interval: { type: "string" } },
    run: tokens.add,
  },
  "monitor list": { usage: "monitor list", summary: "the tokens this account monitors", run: tokens.list },
  "monitor rm": {
    usage: "monitor rm <monitoring_id>",
    summary: "stop monitoring a token",
    run: tokens.remove,
  },
  anomalies: {
    usage: "anomalies [--token ADDRESS] [--type TYPE] [--min-risk 0.5] [--since ISO] [--limit N]",
    summary: "detected anomalies, newest first",
    options: {
      token: { type: "string" },
      type: { type: "string" },
      "min-risk": { type: "string" },
      since: { type: "string" },
      limit: { type: "string" },
    },
    run: tokens.anomalies,
  },
  "alerts watch": {
    usage: "alerts watch [--token ADDRESS]… [--count N]",
    summary: "stream anomaly alerts as they arrive (all monitored tokens unless --token; --json: one object per line)",
    options: { token: { type: "string", multiple: true }, count: { type: "string" } },
    run: alerts.watch,
  },
};

/** The full help text. */
export function helpText(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`);
  return [
    "usage: parapet <command> [options]",
    "",
    "commands:",
    ...lines,
    "",
    "options for every command:",
    "  --url URL   the API (default: PARAPET_URL, the config's url, or http://localhost:8787)",
    "  --json      print JSON (for scripts)",
    "  -h, --help  this help",
    "",
    "environment: PARAPET_CONFIG (config file), PARAPET_URL, PARAPET_API_KEY and PARAPET_API_SECRET",
    "(use an API key without storing it), PARAPET_EMAIL and PARAPET_PASSWORD (for login).",
    "",
  ].join("\n");
}

/** The command named by the leading words of `args`, and the arguments after them. */
function resolve(args: string[]): { name: string; command: Command; rest: string[] } | null {
  const [first = "", second = ""] = args;
  const two = `${first} ${second}`;
  if (COMMANDS[two]) return { name: two, command: COMMANDS[two], rest: args.slice(2) };
  if (COMMANDS[first]) return { name: first, command: COMMANDS[first], rest: args.slice(1) };
  return null;
}

function describe(error: ParapetError): string {
  const where = [error.status ? `status ${error.status}` : "", error.request_id ? `request_id ${error.request_id}` : ""]
    .filter(Boolean)
    .join(", ");
  const retry = error.retry_after !== null ? ` (retry after ${error.retry_after} s)` : "";
  return `parapet: ${error.code}: ${error.message}${retry}${where ? ` [${where}]` : ""}\n`;
}

/** Runs one command line; resolves with the exit code. */
export async function main(args: string[], io: Io = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
    io.out(helpText());
    return 0;
  }
  const found = resolve(args);
  try {
    if (!found) {
      const known = Object.keys(COMMANDS).some((name) => name.startsWith(`${args[0]} `));
      throw new UsageError(known ? `"${args.slice(0, 2).join(" ")}" is not a command` : `unknown command "${args[0]}"`);
    }
    const { values, positionals } = parseArgs({
      args: found.rest,
      options: { ...GLOBAL, ...found.command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      io.out(`usage: parapet ${found.command.usage}\n  ${found.command.summary}\n`);
      return 0;
    }
    const ctx = createContext(io, values as Values, positionals, env);
    const code = await found.command.run(ctx);
    return typeof code === "number" ? code : 0;
  } catch (error) {
    if (error instanceof ParapetError) {
      io.err(describe(error));
      return 1;
    }
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    if (usage) {
      io.err(`parapet: usage_error: ${(error as Error).message}\n`);
      io.err(found ? `usage: parapet ${found.command.usage}\n` : "run parapet --help for the commands\n");
      return 2;
    }
    io.err(`parapet: error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
