// Benchmark harness: runs the production bundle on workerd through Miniflare's API (no
// `wrangler dev` proxy, which alone caps a trivial Worker near 800 req/s here), with fresh
// persisted state and migrations applied, and drives it with autocannon.
import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";
import { ROOT } from "../lib/local-server.mjs";

export const BENCH_SECRETS = {
  ENFORCE_HTTPS: "false",
  JWT_ALG: "HS256",
  JWT_SECRET: "bench-only-jwt-secret-0123456789abcdef0123456789",
  ENCRYPTION_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  ADMIN_EMAILS: "admin@bench.test",
  SOLANA_WEBHOOK_SECRET: "bench-webhook-secret-0123456789",
  CORS_ORIGINS: "",
};

/**
 * Rate limits raised (config maxima) so that no benchmark request is refused: a refusal is
 * cheaper than an answer and would flatter the figures.
 */
export const HIGH_LIMITS = {
  ...Object.fromEntries(
    ["ANONYMOUS", "JWT", "BASIC", "PREMIUM", "ENTERPRISE", "WEBHOOK"].flatMap((tier) => [
      [`RATE_LIMIT_${tier}_PER_MINUTE`, "100000"],
      [`RATE_LIMIT_${tier}_BURST`, "100000"],
    ]),
  ),
  ...Object.fromEntries(
    ["MARKET", "TRADING", "ACCOUNT", "TOKEN", "AUTH"].map((c) => [`RATE_LIMIT_${c}_PER_SECOND`, "10000"]),
  ),
};

/** `--name value` and `--flag` command-line options. */
export function cliArgs(argv = process.argv.slice(2)) {
  const at = (name) => argv.indexOf(`--${name}`);
  return {
    arg: (name, fallback) => (at(name) >= 0 && argv[at(name) + 1] !== undefined ? argv[at(name) + 1] : fallback),
    flag: (name) => at(name) >= 0,
  };
}

/** True when the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl) {
  return process.argv[1] !== undefined && fileURLToPath(metaUrl) === process.argv[1];
}

/** The 1-minute load average, as `uptime` shows it. */
export function loadAverage() {
  return loadavg()[0];
}

/** POSTs JSON and returns the parsed answer; throws on a non-2xx status. */
export async function postJson(url, path, body, headers = {}) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Registers an account and signs in; returns its access token. */
export async function signIn(url, email, { password = "bench password 0123456789", role } = {}) {
  await postJson(url, "/api/v1/auth/register", { email, password, ...(role ? { role } : {}) });
  return (await postJson(url, "/api/v1/auth/login", { email, password })).access_token;
}

/** Request-signing headers for an API key (HMAC-SHA256 over timestamp + METHOD + path + body). */
export function signedHeaders(key, method, path, body = "") {
  const ts = String(Date.now());
  const sig = createHmac("sha256", key.api_secret).update(`${ts}${method}${path}${body}`).digest("hex");
  return { "X-API-Key": key.api_key, "X-API-Timestamp": ts, "X-API-Signature": sig };
}

/**
 * A counter of `api.request` audit rows in D1. The statement and its method are looked up once:
 * each property read through Miniflare's Node-side proxy is a synchronous round trip, which
 * has been seen to fail an internal assertion while the runtime is saturated.
 */
export function auditCounter(db) {
  const statement = db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'api.request'");
  const first = statement.first.bind(statement);
  return async () => (await first()).n;
}

/**
 * Waits until `count()` reaches `expected` (the audit pipeline flushes asynchronously), or has
 * not moved for `quietMs`; returns the last count and how long it took.
 */
export async function waitForCount(count, expected, { quietMs = 3000, timeoutMs = 60_000 } = {}) {
  const started = Date.now();
  let last = await count();
  let changed = Date.now();
  while (last < expected && Date.now() - changed < quietMs && Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await count();
    if (now !== last) changed = Date.now();
    last = now;
  }
  return { count: last, ms: Date.now() - started };
}

/** Exact p50/p95/p99 (and count) of a list of samples. */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

/** Builds the production bundle exactly as `wrangler deploy` would, into `outdir`. */
export function buildBundle(outdir = join(ROOT, ".bench", "dist"), { minify = true } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  const res = spawnSync(
    process.execPath,
    [wrangler, "deploy", "--dry-run", "--outdir", outdir, ...(minify ? [] : ["--minify=false"])],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
  if (res.status !== 0) throw new Error(`bundle failed:\n${res.stdout}\n${res.stderr}`);
  const script = join(outdir, "index.js");
  const bytes = readFileSync(script).byteLength;
  return { outdir, script, bytes };
}

/** Applies every migration file, in order, to a D1 binding. */
export async function applyMigrations(db) {
  const dir = join(ROOT, "migrations");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const statements = unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"));
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
}

/**
 * Reads the runtime's stdout and stderr, passing to `onProblem` every line that is not an
 * info/debug log line: warnings, errors, and the runtime's own messages (uncaught exceptions).
 */
function keepProblems(onProblem) {
  return (...streams) => {
    for (const stream of streams) {
      let rest = "";
      stream.on("data", (chunk) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) {
          if (line.trim() && !/^\{"level":"(info|debug)"/.test(line)) onProblem(line);
        }
      });
    }
  };
}

/**
 * Starts the bundled Worker on workerd via Miniflare with fresh persisted state.
 * Static assets are left out by default: on Cloudflare the asset router runs at the edge before
 * the Worker, while Miniflare simulates it with extra worker hops on every request (measured
 * here: 832 vs 1,883 req/s for the same 404), which would benchmark the simulator, not Parapet.
 * `quiet` discards the Worker's log output except warnings and errors, which are kept in
 * `problems` (their count, and up to 50 lines until the caller empties `problems.lines`). Returns `{ url, mf, problems, stop }`.
 */
export async function startParapet({
  script,
  vars = {},
  persistDir,
  withAssets = false,
  quiet = false,
  inspectorPort,
} = {}) {
  const dir = persistDir ?? mkdtempSync(join(tmpdir(), "parapet-bench-"));
  const problems = { count: 0, lines: [] };
  const onProblem = (line) => {
    problems.count++;
    if (problems.lines.length < 50) problems.lines.push(line.slice(0, 4000));
  };
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  if (!withAssets) delete workerOptions.assets;
  const mf = new Miniflare({
    ...workerOptions,
    name: "parapet",
    modules: [{ type: "ESModule", path: script }],
    modulesRoot: join(script, ".."),
    bindings: { ...workerOptions.bindings, ...BENCH_SECRETS, ...vars },
    host: "127.0.0.1",
    port: 0,
    ...(inspectorPort ? { inspectorPort } : {}),
    d1Persist: join(dir, "d1"),
    durableObjectsPersist: join(dir, "do"),
    kvPersist: join(dir, "kv"),
    cachePersist: join(dir, "cache"),
    // quiet: drop the Worker's own log lines (one per request), which would flood a long run.
    ...(quiet ? { handleRuntimeStdio: keepProblems(onProblem) } : {}),
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  await applyMigrations(await mf.getD1Database("DB"));
  return {
    url,
    mf,
    dir,
    problems,
    stop: async () => {
      await mf.dispose();
      if (!persistDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The runtime's ceiling: a minimal Worker returning a small JSON, on the same Miniflare/workerd. */
export async function startBaseline() {
  const mf = new Miniflare({
    modules: true,
    script: `export default { fetch() { return Response.json({ ok: true, symbol: "BTC-USDT", price: "65432.10" }); } };`,
    compatibilityDate: "2026-04-20",
    host: "127.0.0.1",
    port: 0,
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { url, stop: () => mf.dispose() };
}

/** Exact percentile of a sorted array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Drives `url` with autocannon and returns requests/s, exact latency percentiles (ms, from every
 * response) and status counts. `requests` may be a list of autocannon request objects. With
 * `amount`, exactly that many requests are sent (so each can be matched with its audit row).
 */
export function load({
  url,
  path = "/",
  method = "GET",
  headers = {},
  body,
  requests,
  connections = 50,
  duration = 10,
  amount,
}) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const instance = autocannon(
      {
        url: `${url}${path}`,
        method,
        headers,
        body,
        requests,
        connections,
        ...(amount ? { amount } : { duration }),
        pipelining: 1,
      },
      (err, result) => {
        if (err) return reject(err);
        const statusCounts = result.statusCodeStats ?? {};
        resolve({
          tool: "autocannon",
          ...summary(latencies),
          rps: result.requests.total / (result.duration || duration),
          total: result.requests.total,
          seconds: result.duration,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statusCounts: Object.fromEntries(Object.entries(statusCounts).map(([k, v]) => [k, v.count])),
        });
      },
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

/** True when Debian's `wrk` is on the PATH. */
export function hasWrk() {
  return spawnSync("wrk", ["--version"], { encoding: "utf8" }).error === undefined;
}

/**
 * The same measurement with `wrk` (C, one thread: cheaper than autocannon, so more of the two
 * cores is left to workerd). Duration-based only; percentiles from wrk's HdrHistogram; `non2xx` counts statuses ≥ 400 (wrk's own
 * count: a Lua `response` hook would make wrk parse every answer in Lua, costing the CPU it saves).
 */
export function loadWrk({ url, path = "/", method = "GET", headers = {}, body, connections = 50, duration = 10 }) {
  const lua = [
    `wrk.method = ${JSON.stringify(method)}`,
    ...Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`),
    body === undefined ? "" : `wrk.body = ${JSON.stringify(body)}`,
    "function done(summary, latency)",
    String.raw`  io.write(string.format("WRKJSON {\"total\":%d,\"us\":%d,\"p50\":%f,\"p95\":%f,\"p99\":%f,\"errors\":%d,\"timeouts\":%d,\"non2xx\":%d}\n",`,
    "    summary.requests, summary.duration, latency:percentile(50) / 1000, latency:percentile(95) / 1000,",
    "    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write,",
    "    summary.errors.timeout, summary.errors.status))",
    "end",
  ].join("\n");
  const dir = mkdtempSync(join(tmpdir(), "parapet-wrk-"));
  const file = join(dir, "script.lua");
  writeFileSync(file, lua);
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", ["-t1", `-c${connections}`, `-d${duration}s`, "-s", file, `${url}${path}`]);
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", () => {
      rmSync(dir, { recursive: true, force: true });
      const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
      if (!line) return reject(new Error(`wrk gave no result:\n${out}`));
      const r = JSON.parse(line.slice(8));
      resolve({ tool: "wrk", ...r, n: r.total, rps: r.total / (r.us / 1e6), seconds: r.us / 1e6, statusCounts: {} });
    });
  });
}

/** Machine description for BENCHMARKS.md. */
export function machine() {
  const cpu = cpus();
  const uname = spawnSync("uname", ["-srm"], { encoding: "utf8" }).stdout.trim();
  return `${uname}; ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}; Node ${process.version}`;
}
