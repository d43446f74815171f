/** What every CLI command gets: parsed arguments, the config, a client built from them, and output. */
import { ParapetClient } from "../src/client";
import { type CliConfig, configPath, fileSessionStore, readConfig } from "./config";
import type { Io } from "./output";

export const DEFAULT_URL = "http://localhost:8787";

/** A mistake in the command line: exit code 2 and the usage. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Parsed option values of a command (strings, booleans, repeated strings). */
export type Values = Record<string, string | boolean | string[] | undefined>;

/** One command's run-time context. */
export interface Context {
  io: Io;
  values: Values;
  positionals: string[];
  /** `--json`: machine-readable output on stdout. */
  json: boolean;
  env: NodeJS.ProcessEnv;
  configFile: string;
  config: CliConfig;
  url: string;
  /** The client, with the config's credentials (or `PARAPET_API_KEY`/`PARAPET_API_SECRET`). */
  client: ParapetClient;
}

/** Builds the context: URL from `--url`, `PARAPET_URL`, the config, or the local default. */
export function createContext(io: Io, values: Values, positionals: string[], env: NodeJS.ProcessEnv): Context {
  const configFile = configPath(env);
  const config = readConfig(configFile, (line) => io.err(`parapet: warning: ${line}\n`));
  const url = (stringValue(values, "url") ?? env.PARAPET_URL ?? config.url ?? DEFAULT_URL).replace(/\/+$/, "");
  try {
    new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${url}`);
  }
  const envKey = env.PARAPET_API_KEY ? { key: env.PARAPET_API_KEY, secret: env.PARAPET_API_SECRET } : undefined;
  const apiKey = envKey ?? config.api_key;
  const client = new ParapetClient({
    baseUrl: url,
    sessionStore: fileSessionStore(configFile),
    ...(apiKey ? { apiKey } : {}),
  });
  return { io, values, positionals, json: values.json === true, env, configFile, config, url, client };
}

/** A string option, or undefined. */
export function stringValue(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** A required string option. */
export function required(values: Values, name: string): string {
  const value = stringValue(values, name);
  if (value === undefined || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** An integer option within bounds, or undefined. */
export function intValue(values: Values, name: string, min: number, max: number): number | undefined {
  const value = stringValue(values, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

/** A number option within bounds, or undefined. */
export function numberValue(values: Values, name: string, min: number, max: number): number | undefined {
  const value = stringValue(values, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** A comma-separated list option (empty when absent). */
export function listValue(values: Values, name: string): string[] {
  const value = stringValue(values, name);
  return value === undefined
    ? []
    : value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

/** One of `choices`, or undefined. */
export function choiceValue<T extends string>(values: Values, name: string, choices: readonly T[]): T | undefined {
  const value = stringValue(values, name);
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** Exactly `count` positionals, named in the error when missing. */
export function positionals(ctx: Context, names: string[]): string[] {
  if (ctx.positionals.length !== names.length) {
    throw new UsageError(
      names.length === 0
        ? `unexpected argument "${ctx.positionals[0]}"`
        : `expected ${names.map((n) => `<${n}>`).join(" ")}, got ${ctx.positionals.length} argument(s)`,
    );
  }
  return ctx.positionals;
}
