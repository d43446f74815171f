/** `login`, `logout`, `whoami`, `config` and `keys …`. */
import { readFileSync } from "node:fs";
import { ParapetClient, type Schemas } from "../../src/client";
import { fileSessionStore, readConfig, updateConfig } from "../config";
import { type Context, intValue, listValue, positionals, required, stringValue, UsageError } from "../context";
import { fields, json, table } from "../output";

/** All of stdin (for `--password-stdin`), without the final newline. */
function readStdin(): string {
  return readFileSync(0, "utf8").replace(/\r?\n$/, "");
}

/** Asks on the terminal without echoing what is typed. */
async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY)
    throw new UsageError("no password: set PARAPET_PASSWORD, pass --password-stdin, or run in a terminal");
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") {
          done();
          return resolve(typed);
        }
        if (char === "\u0003") {
          done();
          return reject(new UsageError("cancelled"));
        }
        typed = char === "\u007f" ? typed.slice(0, -1) : typed + char;
      }
    };
    const done = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
    };
    stdin.on("data", onData);
  });
}

async function promptLine(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError("no email: pass --email or set PARAPET_EMAIL");
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/**
 * `login`: email + password (the password from `PARAPET_PASSWORD`, `--password-stdin` or a
 * hidden prompt, never from a flag that would land in shell history), or `--api-key` (key and
 * secret from `PARAPET_API_KEY`/`PARAPET_API_SECRET` or two lines on stdin).
 */
export async function login(ctx: Context): Promise<void> {
  positionals(ctx, []);
  if (ctx.values["api-key"] === true) return loginWithKey(ctx);
  const email = stringValue(ctx.values, "email") ?? ctx.env.PARAPET_EMAIL ?? (await promptLine("email: "));
  const password =
    ctx.values["password-stdin"] === true
      ? readStdin()
      : (ctx.env.PARAPET_PASSWORD ?? (await promptHidden("password: ")));
  if (!email || !password) throw new UsageError("email and password are required");
  // A session client of its own: an API key in the config would otherwise take precedence.
  const client = new ParapetClient({ baseUrl: ctx.url, sessionStore: fileSessionStore(ctx.configFile) });
  const previous = readConfig(ctx.configFile).session;
  await client.auth.login(email, password);
  if (previous) await revokeQuietly(ctx.url, previous.refresh_token);
  await updateConfig(ctx.configFile, ({ api_key: _, ...rest }) => ({ ...rest, url: ctx.url }));
  const me = await client.auth.me();
  if (ctx.json) return ctx.io.out(json(me));
  ctx.io.out(`logged in to ${ctx.url} as ${me.email ?? me.wallet} (${me.role})\n`);
}

async function loginWithKey(ctx: Context): Promise<void> {
  const [lineKey, lineSecret] = ctx.env.PARAPET_API_KEY ? [] : readStdin().split(/\r?\n/);
  const key = (ctx.env.PARAPET_API_KEY ?? lineKey ?? "").trim();
  const secret = (ctx.env.PARAPET_API_KEY ? ctx.env.PARAPET_API_SECRET : lineSecret)?.trim();
  if (!key.startsWith("pk_")) throw new UsageError("--api-key: give the key (pk_…) in PARAPET_API_KEY or on stdin");
  const probe = new ParapetClient({ baseUrl: ctx.url, apiKey: { key, ...(secret ? { secret } : {}) } });
  const me = await probe.auth.me();
  const previous = readConfig(ctx.configFile).session;
  if (previous) await revokeQuietly(ctx.url, previous.refresh_token);
  await updateConfig(ctx.configFile, ({ session: _, ...rest }) => ({
    ...rest,
    url: ctx.url,
    api_key: { key, ...(secret ? { secret } : {}) },
  }));
  if (ctx.json) return ctx.io.out(json(me));
  ctx.io.out(`using API key ${key.slice(0, 11)}… at ${ctx.url} (scopes: ${me.permissions.join(", ")})\n`);
  if (!secret) ctx.io.err("parapet: warning: no api_secret given: key management and trading calls cannot be signed\n");
}

/** Ends a replaced session on the server; a failure only leaves it to expire. */
async function revokeQuietly(url: string, refresh_token: string): Promise<void> {
  const client = new ParapetClient({ baseUrl: url, retry: false });
  await client.request("post", "/api/v1/auth/logout", { body: { refresh_token }, auth: false }).catch(() => {});
}

/** `logout`: revokes the session on the server and forgets every credential of the config. */
export async function logout(ctx: Context): Promise<void> {
  positionals(ctx, []);
  const hadSession = Boolean(ctx.config.session);
  try {
    if (hadSession) await ctx.client.auth.logout();
  } finally {
    await updateConfig(ctx.configFile, ({ session: _s, api_key: _k, ...rest }) => rest);
  }
  ctx.io.out(hadSession || ctx.config.api_key ? "logged out\n" : "not logged in\n");
}

/** `whoami`: `GET /me`. */
export async function whoami(ctx: Context): Promise<void> {
  positionals(ctx, []);
  const me = await ctx.client.auth.me();
  ctx.io.out(ctx.json ? json(me) : fields(me));
}

/** `config [--url URL]`: shows where the config is and what it holds (never the secrets), or sets the URL. */
export async function config(ctx: Context): Promise<void> {
  positionals(ctx, []);
  const url = stringValue(ctx.values, "url");
  const current = url ? await updateConfig(ctx.configFile, (c) => ({ ...c, url: ctx.url })) : ctx.config;
  const credential = current.api_key
    ? `api key ${current.api_key.key.slice(0, 11)}…${current.api_key.secret ? " (with signing secret)" : ""}`
    : current.session
      ? `session (access token until ${current.session.expires_at})`
      : "none";
  const view = { file: ctx.configFile, url: current.url ?? ctx.url, credential };
  ctx.io.out(ctx.json ? json(view) : fields(view));
}

type Scope = Schemas["CreateKeyRequest"]["scopes"][number];
type Tier = NonNullable<Schemas["CreateKeyRequest"]["tier"]>;

function printIssued(ctx: Context, issued: Schemas["IssuedApiKey"]): void {
  if (ctx.json) {
    ctx.io.out(json(issued));
    return;
  }
  const { api_key, api_secret, ...key } = issued;
  ctx.io.out(fields({ ...key, api_key, api_secret }));
  ctx.io.err("parapet: the api_key and api_secret are shown only this once: store them now\n");
}

/** `keys create|list|rotate|revoke`. */
export async function keys(ctx: Context, action: string): Promise<void> {
  switch (action) {
    case "create": {
      positionals(ctx, []);
      const scopes = listValue(ctx.values, "scopes");
      if (scopes.length === 0)
        throw new UsageError("--scopes is required (comma-separated, e.g. read:market,read:analysis)");
      const tier = stringValue(ctx.values, "tier") as Tier | undefined;
      const expires = intValue(ctx.values, "expires-in-days", 1, 365);
      const issued = await ctx.client.keys.create({
        name: required(ctx.values, "name"),
        scopes: scopes as Scope[],
        ...(tier ? { tier } : {}),
        ...(ctx.values.ip ? { ip_allowlist: listValue(ctx.values, "ip") } : {}),
        ...(ctx.values.countries ? { allowed_countries: listValue(ctx.values, "countries") } : {}),
        ...(expires ? { expires_in_days: expires } : {}),
      });
      return printIssued(ctx, issued);
    }
    case "list": {
      positionals(ctx, []);
      const { keys } = await ctx.client.keys.list();
      if (ctx.json) return ctx.io.out(json({ keys }));
      const rows = keys.map((k) => [
        k.key_id,
        k.name,
        k.prefix,
        k.status,
        k.tier,
        k.scopes.join(","),
        k.expires_at,
        k.last_used_at,
      ]);
      return ctx.io.out(
        table(["key_id", "name", "prefix", "status", "tier", "scopes", "expires_at", "last_used_at"], rows),
      );
    }
    case "rotate": {
      const [keyId = ""] = positionals(ctx, ["key_id"]);
      return printIssued(ctx, await ctx.client.keys.rotate(keyId));
    }
    case "revoke": {
      const [keyId = ""] = positionals(ctx, ["key_id"]);
      await ctx.client.keys.revoke(keyId);
      return ctx.io.out(ctx.json ? json({ key_id: keyId, status: "revoked" }) : `revoked ${keyId}\n`);
    }
    default:
      throw new UsageError(`unknown keys command "${action}" (create, list, rotate, revoke)`);
  }
}
