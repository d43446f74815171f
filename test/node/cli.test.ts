import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bs58 from "bs58";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "../../scripts/build-client.mjs";
import { ROOT, startLocalServer } from "../../scripts/lib/local-server.mjs";
import { TEST_BINDINGS } from "../../vitest.config";

let server: { url: string; stop: () => Promise<void> };
const home = mkdtempSync(join(tmpdir(), "parapet-cli-"));
const PASSWORD = "cli-test-password-123";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `bin/parapet.mjs` as a child process against the local server. */
function parapet(
  args: string[],
  options: { config: string; env?: Record<string, string>; input?: string },
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "bin", "parapet.mjs"), ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: home,
        PARAPET_CONFIG: options.config,
        PARAPET_URL: server.url,
        ...options.env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.stdin.end(options.input ?? "");
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const configFile = (name: string) => join(home, name, "config.json");
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

async function register(email: string, role?: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, ...(role ? { role } : {}) }),
  });
  if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${await res.text()}`);
}

/** Logs `email` in with the CLI into its own config file; returns that file. */
async function loggedIn(name: string, email: string): Promise<string> {
  const config = configFile(name);
  const run = await parapet(["login", "--email", email], { config, env: { PARAPET_PASSWORD: PASSWORD } });
  if (run.code !== 0) throw new Error(`login failed: ${run.stderr}`);
  return config;
}

beforeAll(async () => {
  await buildCli();
  server = await startLocalServer({ vars: { ...TEST_BINDINGS, ENFORCE_HTTPS: "false" } });
  await register(TEST_BINDINGS.ADMIN_EMAILS);
  await register("trader@cli.parapet.test", "trader");
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("parapet CLI: basics", () => {
  it("prints its help and exits 0", async () => {
    const run = await parapet(["--help"], { config: configFile("help") });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: parapet <command>/);
    for (const command of ["login", "keys create", "history <SYMBOL>", "ingest <file.csv>", "risk", "predict"]) {
      expect(run.stdout).toContain(command);
    }
  });

  it("refuses a bad command with exit 2 and usage_error on stderr", async () => {
    const run = await parapet(["frobnicate"], { config: configFile("bad") });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('parapet: usage_error: unknown command "frobnicate"');
  });

  it("refuses an unknown option and a missing argument with the command's usage", async () => {
    const option = await parapet(["price", "BTC-USDT", "--bogus"], { config: configFile("bad") });
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("usage_error");
    const missing = await parapet(["history"], { config: configFile("bad") });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("usage: parapet history <SYMBOL>");
  });

  it("exits 1 with the API's error code when not logged in", async () => {
    const run = await parapet(["keys", "list"], { config: configFile("nobody") });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^parapet: unauthorized: .*\[status 401, request_id req_/);
  });

  it("exits 1 with network_error when the API does not answer", async () => {
    const run = await parapet(["price", "BTC-USDT", "--url", "http://127.0.0.1:9"], { config: configFile("down") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("parapet: network_error:");
  });
});

describe("parapet CLI: login and the config file", () => {
  it("logs in and keeps the session in a config file only its owner can read (0600)", async () => {
    const config = await loggedIn("trader", "trader@cli.parapet.test");
    expect(mode(config)).toBe("600");
    expect(mode(join(home, "trader"))).toBe("700");
    const stored = JSON.parse(readFileSync(config, "utf8"));
    expect(stored.url).toBe(server.url);
    expect(stored.session.refresh_token).toMatch(/^rt_/);
    const me = await parapet(["whoami", "--json"], { config });
    expect(me.code).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ email: "trader@cli.parapet.test", role: "trader" });
  });

  it("narrows a config file others can read back to 0600, with a warning", async () => {
    const config = await loggedIn("loose", "trader@cli.parapet.test");
    chmodSync(config, 0o644);
    const run = await parapet(["whoami"], { config });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("was readable by others (mode 644); changed to 600");
    expect(mode(config)).toBe("600");
  });

  it("shows the config without any secret", async () => {
    const config = await loggedIn("shown", "trader@cli.parapet.test");
    const stored = JSON.parse(readFileSync(config, "utf8"));
    const run = await parapet(["config"], { config });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`url         ${server.url}`);
    expect(run.stdout).toContain("credential  session");
    expect(run.stdout).not.toContain(stored.session.access_token);
    expect(run.stdout).not.toContain(stored.session.refresh_token);
  });

  it("refuses a wrong password with invalid_credentials and stores nothing", async () => {
    const config = configFile("wrong");
    const run = await parapet(["login", "--email", "trader@cli.parapet.test", "--password-stdin"], {
      config,
      input: "not the password\n",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("parapet: invalid_credentials:");
    expect(() => JSON.parse(readFileSync(config, "utf8")).session).toThrow();
  });

  it("refreshes once when several commands run at once after the access token expired (a lock, not a reuse)", async () => {
    const config = await loggedIn("parallel", "trader@cli.parapet.test");
    const before = JSON.parse(readFileSync(config, "utf8"));
    // Pretend the access token expired: every process will want to refresh before calling.
    writeFileSync(
      config,
      JSON.stringify({ ...before, session: { ...before.session, expires_at: "2000-01-01T00:00:00.000Z" } }),
    );
    chmodSync(config, 0o600);
    const since = new Date().toISOString();
    const runs = await Promise.all(Array.from({ length: 5 }, () => parapet(["whoami", "--json"], { config })));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    for (const run of runs) expect(JSON.parse(run.stdout).email).toBe("trader@cli.parapet.test");
    const after = JSON.parse(readFileSync(config, "utf8")).session;
    expect(after.refresh_token).not.toBe(before.session.refresh_token);
    // Had two processes presented the same refresh token, the session would be revoked as stolen.
    const still = await parapet(["whoami"], { config });
    expect(still.code).toBe(0);
    expect(mode(config)).toBe("600");
    // The audit log (readable within 5 s) holds exactly one refresh of this session.
    let refreshes: unknown[] = [];
    for (let waited = 0; waited <= 5_000 && refreshes.length === 0; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const res = await fetch(`${server.url}/api/v1/audit-logs?event=auth.refresh&start_time=${since}`, {
        headers: { authorization: `Bearer ${after.access_token}` },
      });
      refreshes = ((await res.json()) as { entries: unknown[] }).entries;
    }
    expect(refreshes).toHaveLength(1);
  });

  it("logs out: the session is revoked and forgotten", async () => {
    const config = await loggedIn("leaving", "trader@cli.parapet.test");
    const { refresh_token } = JSON.parse(readFileSync(config, "utf8")).session;
    const run = await parapet(["logout"], { config });
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(config, "utf8")).session).toBeUndefined();
    const refresh = await fetch(`${server.url}/api/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token }),
    });
    expect(refresh.status).toBe(401);
  });
});

describe("parapet CLI: API keys", () => {
  it("creates, lists, rotates and revokes keys; an API-key login signs key management", async () => {
    const config = await loggedIn("keys", "trader@cli.parapet.test");
    const created = await parapet(
      ["keys", "create", "--name", "cli bot", "--scopes", "read:market,read:analysis", "--json"],
      {
        config,
      },
    );
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key).toMatchObject({ name: "cli bot", scopes: ["read:market", "read:analysis"], status: "active" });
    expect(key.api_key).toMatch(/^pk_/);

    const listed = await parapet(["keys", "list"], { config });
    expect(listed.code).toBe(0);
    expect(listed.stdout.split("\n")[0]).toMatch(/^key_id\s+name\s+prefix\s+status/);
    expect(listed.stdout).toContain(key.key_id);

    // The key itself, with its secret, from another config: key management calls are signed.
    const keyConfig = configFile("as-key");
    const login = await parapet(["login", "--api-key"], {
      config: keyConfig,
      input: `${key.api_key}\n${key.api_secret}\n`,
    });
    expect(login.code).toBe(0);
    expect(mode(keyConfig)).toBe("600");
    const asKey = await parapet(["keys", "list", "--json"], { config: keyConfig });
    expect(asKey.code).toBe(0);
    expect(JSON.parse(asKey.stdout).keys.map((k: { key_id: string }) => k.key_id)).toContain(key.key_id);

    const rotated = await parapet(["keys", "rotate", key.key_id, "--json"], { config });
    expect(rotated.code).toBe(0);
    const next = JSON.parse(rotated.stdout);
    expect(next.key_id).not.toBe(key.key_id);
    // The rotated-away key no longer works.
    const stale = await parapet(["whoami"], { config: keyConfig });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("invalid_api_key");

    const revoked = await parapet(["keys", "revoke", next.key_id], { config });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`revoked ${next.key_id}\n`);
  });
});

describe("parapet CLI: market data", () => {
  let admin: string;
  const dir = mkdtempSync(join(tmpdir(), "parapet-cli-csv-"));

  beforeAll(async () => {
    admin = await loggedIn("admin", TEST_BINDINGS.ADMIN_EMAILS);
  });

  it("ingests a candle CSV with progress, then serves it as a history table and as JSON", async () => {
    const file = join(dir, "ETHUSDT-1d.csv");
    copyFileSync(join(ROOT, "data", "candles", "ETHUSDT-1d.csv"), file);
    const rows = readFileSync(file, "utf8").trim().split("\n").length - 1;
    const run = await parapet(["ingest", file, "--batch", "200"], { config: admin });
    expect(run.stderr).not.toContain("parapet:");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${rows} of ${rows} candles accepted, 0 rejected\n`);
    const steps = run.stderr.trim().split("\n");
    expect(steps.length).toBe(Math.ceil(rows / 200) + 1);
    expect(steps.at(-1)).toMatch(new RegExp(`^ingest ETH-USDT 1d \\[#{30}\\] 100% ${rows}/${rows}`));

    const table = await parapet(["history", "ETH-USDT", "--interval", "1d", "--limit", "3"], { config: admin });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^timestamp\s+open\s+high\s+low\s+close\s+volume$/);
    expect(lines).toHaveLength(4);

    const asJson = await parapet(["history", "ETH-USDT", "--interval", "1d", "--limit", "3", "--json"], {
      config: admin,
    });
    expect(asJson.code).toBe(0);
    const history = JSON.parse(asJson.stdout);
    expect(history).toMatchObject({ symbol: "ETH-USDT", interval: "1d" });
    expect(history.data).toHaveLength(3);
    // The table shows the same candles, in the same order.
    history.data.forEach((candle: Record<string, string>, i: number) => {
      expect(lines[i + 1]?.split(/\s+/)).toEqual([
        candle.timestamp,
        candle.open,
        candle.high,
        candle.low,
        candle.close,
        candle.volume,
      ]);
    });
  });

  it("reads the price anonymously and risk with a session", async () => {
    const price = await parapet(["price", "ETH-USDT", "--json"], { config: configFile("anonymous") });
    expect(price.code).toBe(0);
    expect(JSON.parse(price.stdout)).toMatchObject({ symbol: "ETH-USDT", exchange: "binance" });
    const risk = await parapet(["risk", "ETH-USDT", "--window", "30", "--confidence", "0.99", "--json"], {
      config: admin,
    });
    expect(risk.code).toBe(0);
    expect(JSON.parse(risk.stdout)).toMatchObject({
      symbol: "ETH-USDT",
      window: 30,
      confidence: 0.99,
      method: "historical",
    });
  });

  it("reports the API's business codes: unknown symbol, no model yet", async () => {
    const unknown = await parapet(["risk", "NOPE-USDT"], { config: admin });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("parapet: MARKET_001:");
    const predict = await parapet(["predict", "ETH-USDT", "--timeframe", "1d"], { config: admin });
    expect(predict.code).toBe(1);
    expect(predict.stderr).toContain("parapet: AI_001:");
  });

  it("refuses a malformed CSV before sending anything", async () => {
    const file = join(dir, "BADUSDT-1h.csv");
    writeFileSync(file, "open_time,open,high,low,close,volume\n1700000000000,1,2,0.5,oops,10\n");
    const run = await parapet(["ingest", file], { config: admin });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:2: expected epoch-ms open time and five decimals`);
  });
});

describe("parapet CLI: Solana token monitoring", () => {
  let trader: string;
  const mint = () => bs58.encode(randomBytes(32));

  beforeAll(async () => {
    trader = await loggedIn("trader-solana", "trader@cli.parapet.test");
  });

  it("adds monitors (a table of ids), lists them and removes one", async () => {
    const [a, b] = [mint(), mint()];
    const added = await parapet(["monitor", "add", a, b, "--interval", "120"], { config: trader });
    expect(added.code).toBe(0);
    const lines = added.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^monitoring_id\s+token_address\s+update_interval$/);
    const ids = lines.slice(1).map((line) => line.split(/\s+/));
    expect(ids.map((row) => row.slice(1))).toEqual([
      [a, "120"],
      [b, "120"],
    ]);

    const listed = await parapet(["monitor", "list", "--json"], { config: trader });
    expect(listed.code).toBe(0);
    const monitors = (
      JSON.parse(listed.stdout) as { monitors: Array<{ monitoring_id: string; token_address: string }> }
    ).monitors;
    // Listed oldest first; both were created in the same instant, so compare as sets.
    const mine = monitors.filter((m) => m.token_address === a || m.token_address === b);
    expect(mine.map((m) => `${m.monitoring_id} ${m.token_address}`).sort()).toEqual(
      ids.map((row) => `${row[0]} ${row[1]}`).sort(),
    );

    const removed = await parapet(["monitor", "rm", ids[0]?.[0] ?? ""], { config: trader });
    expect(removed).toMatchObject({ code: 0, stdout: `stopped ${ids[0]?.[0]}\n` });
    const after = await parapet(["monitor", "list"], { config: trader });
    expect(after.stdout).not.toContain(a);
    expect(after.stdout).toContain(b);

    const again = await parapet(["monitor", "rm", ids[0]?.[0] ?? ""], { config: trader });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^parapet: not_found: /);
  });

  it("refuses an invalid address with the API's validation_error, and a bad interval before sending", async () => {
    const invalid = await parapet(["monitor", "add", "not-a-solana-address"], { config: trader });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^parapet: validation_error: /);
    const interval = await parapet(["monitor", "add", mint(), "--interval", "5"], { config: trader });
    expect(interval.code).toBe(2);
    expect(interval.stderr).toContain("--interval must be an integer from 60 to 86400");
  });

  it("alerts watch prints the whale the scheduled scan finds, then anomalies lists it", async () => {
    const token = mint();
    expect((await parapet(["monitor", "add", token], { config: trader })).code).toBe(0);

    const child = spawn(
      process.execPath,
      [join(ROOT, "bin", "parapet.mjs"), "alerts", "watch", "--token", token, "--count", "1", "--json"],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", HOME: home, PARAPET_CONFIG: trader, PARAPET_URL: server.url },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const watching = new Promise<void>((resolve) => {
      child.stderr.on("data", (d) => {
        stderr += d;
        if (stderr.includes("watching alerts")) resolve();
      });
    });
    await Promise.race([watching, exited.then(() => Promise.reject(new Error(`watch exited: ${stderr}`)))]);

    const now = Math.floor(Date.now() / 1000);
    const [from, to] = [mint(), mint()];
    const signature = bs58.encode(randomBytes(64));
    const delivered = await fetch(`${server.url}/api/v1/ingest/solana`, {
      method: "POST",
      headers: { authorization: TEST_BINDINGS.SOLANA_WEBHOOK_SECRET, "content-type": "application/json" },
      body: JSON.stringify([
        { type: "PRICE", mint: token, price_usd: "2.5", timestamp: now - 600 },
        {
          signature,
          timestamp: now - 60,
          slot: 320_000_000,
          type: "TRANSFER",
          tokenTransfers: [{ fromUserAccount: from, toUserAccount: to, mint: token, tokenAmount: 400_000 }],
        },
      ]),
    });
    expect(delivered.status).toBe(202);
    expect((await fetch(`${server.url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`)).status).toBe(200);

    expect(await exited).toBe(0);
    const alert = JSON.parse(stdout.trim()) as { token_address: string; anomaly_type: string; details: object };
    expect(alert).toMatchObject({
      token_address: token,
      anomaly_type: "whale_movement",
      details: { wallet_address: from, counterparty: to, amount: 400_000, usd_value: 1_000_000, signature },
    });

    const listed = await parapet(["anomalies", "--token", token, "--type", "whale_movement"], { config: trader });
    expect(listed.code).toBe(0);
    const rows = listed.stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^timestamp\s+anomaly_type\s+risk\s+token_address\s+usd_value$/);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.split(/\s+/).slice(1)).toEqual([
      "whale_movement",
      expect.stringMatching(/^0\.\d\d|1\.00$/),
      token,
      "1000000",
    ]);
  }, 60_000);
});
