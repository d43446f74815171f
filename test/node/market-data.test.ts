import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCandleDir, parseCandleCsv } from "../../scripts/lib/candles.mjs";
import { ROOT, startLocalServer } from "../../scripts/lib/local-server.mjs";
import { TEST_BINDINGS } from "../../vitest.config";

let server: { url: string; stop: () => Promise<void> };
let token: string;
const DATA = join(ROOT, "data", "candles");
const real = (file: string) => parseCandleCsv(readFileSync(join(DATA, file), "utf8"), file);

beforeAll(async () => {
  server = await startLocalServer({ vars: { ...TEST_BINDINGS, ENFORCE_HTTPS: "false" } });
  // A real admin session: an ADMIN_EMAILS address registers, then logs in.
  const credentials = { email: TEST_BINDINGS.ADMIN_EMAILS, password: "node-test-admin-password" };
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const registered = await post("/api/v1/auth/register", credentials);
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const login = await post("/api/v1/auth/login", credentials);
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  token = ((await login.json()) as { access_token: string }).access_token;
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** Runs `npm run ingest`'s script and collects its output and exit code. */
function runIngest(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, "scripts", "ingest.mjs"), ...args], {
      cwd: ROOT,
      env: { ...process.env, PARAPET_URL: server.url, PARAPET_TOKEN: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

async function history(symbol: string, query: string) {
  const res = await fetch(`${server.url}/api/v1/market/history/${symbol}?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { data: Array<Record<string, string>>; next_cursor: string | null };
}

const iso = (t: number) => new Date(t).toISOString();

describe("npm run ingest", () => {
  it("loads a candle CSV in batches with a progress line, exactly", async () => {
    const rows = real("SOLUSDT-1h.csv").slice(0, 2500);
    const dir = mkdtempSync(join(tmpdir(), "parapet-ingest-"));
    const file = join(dir, "slice.csv");
    const lines = rows.map((c) => [c.open_time, c.open, c.high, c.low, c.close, c.volume].join(","));
    writeFileSync(file, `open_time,open,high,low,close,volume\n${lines.join("\n")}\n`);

    const run = await runIngest([file, "SOL-USDT", "1h", "--batch", "1000"], { PARAPET_TOKEN: token });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("ingest SOL-USDT 1h: 1000/2500 sent, 1000 accepted, 0 rejected");
    expect(run.stdout).toContain("ingest SOL-USDT 1h: 2500/2500 sent, 2500 accepted, 0 rejected");
    expect(run.stdout).not.toContain(token);

    const page = await history("SOL-USDT", `interval=1h&start=${iso(rows[0]?.open_time ?? 0)}&limit=1000`);
    expect(page.data).toEqual(rows.slice(0, 1000).map(({ open_time, ...c }) => ({ timestamp: iso(open_time), ...c })));
  });

  it("explains bad usage, a missing token, a bad file and refused rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parapet-ingest-"));
    const file = join(dir, "x.csv");
    writeFileSync(
      file,
      "open_time,open,high,low,close,volume\n1502928000000,4261.48,4485.39,4200.74,4285.08,795.150377\n",
    );

    const noToken = await runIngest([file, "BTC-USDT", "1d"]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("no token");
    const badSymbol = await runIngest([file, "btcusdt", "1d"], { PARAPET_TOKEN: token });
    expect(badSymbol.code).toBe(2);
    expect(badSymbol.stderr).toContain("symbol must look like BTC-USDT");
    const badToken = await runIngest([file, "BTC-USDT", "1d"], { PARAPET_TOKEN: "not-a-token" });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain("401 invalid_token");

    writeFileSync(file, "open_time,open,high,low,close,volume\n1502928000000,4261.48,oops,4200.74,4285.08,795.15\n");
    const badFile = await runIngest([file, "BTC-USDT", "1d"], { PARAPET_TOKEN: token });
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toContain("x.csv:2:");

    // A 1d open time that is not midnight UTC is refused by the API, row by row.
    writeFileSync(
      file,
      "open_time,open,high,low,close,volume\n1502928000001,4261.48,4485.39,4200.74,4285.08,795.150377\n",
    );
    const refused = await runIngest([file, "BTC-USDT", "1d"], { PARAPET_TOKEN: token });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("row 2: timestamp: must be the open time of a 1d candle");
  });
});

describe("demo seed: candles step", () => {
  it("loads every real candle file, then skips them all on the next run", async () => {
    const first: string[] = [];
    const loaded = await loadCandleDir({ url: server.url, token, dir: DATA, log: (l: string) => void first.push(l) });
    // SOLUSDT-1h was partly loaded by the CLI test above: the seed completes it.
    expect(loaded.loaded).toEqual([
      "BTCUSDT-1d.csv",
      "BTCUSDT-1h.csv",
      "ETHUSDT-1d.csv",
      "ETHUSDT-1h.csv",
      "SOLUSDT-1d.csv",
      "SOLUSDT-1h.csv",
    ]);
    expect(first).toContain("candles: BTC-USDT 1d: 3064 candles loaded");
    expect(first).toContain("candles: ETH-USDT 1h: 17520 candles loaded");
    const second: string[] = [];
    const again = await loadCandleDir({ url: server.url, token, dir: DATA, log: (l: string) => void second.push(l) });
    expect(again).toEqual({ loaded: [], skipped: loaded.loaded });
    expect(second).toContain("candles: BTC-USDT 1d already loaded (3064 candles)");

    // The quick start's promise: 30 real daily BTC candles, the latest of the file.
    const page = await history("BTC-USDT", "interval=1d&limit=30");
    const expected = real("BTCUSDT-1d.csv")
      .slice(-30)
      .map(({ open_time, ...c }) => ({ timestamp: iso(open_time), ...c }));
    expect(page.data).toEqual(expected);

    const symbols = (await (await fetch(`${server.url}/api/v1/market/symbols`)).json()) as {
      symbols: Array<{ symbol: string; last_price: string | null }>;
    };
    expect(symbols.symbols.map((s) => s.symbol)).toEqual(["BTC-USDT", "ETH-USDT", "SOL-USDT"]);
    expect(symbols.symbols.every((s) => typeof s.last_price === "string")).toBe(true);
  });
});
