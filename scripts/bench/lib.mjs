// Benchmark harness: runs the production bundle on workerd through Miniflare's API (no
// `wrangler dev` proxy, which alone caps a trivial Worker near 800 req/s here), with fresh
// persisted state and migrations applied, and drives it with autocannon.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
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

/** Builds the production bundle exactly as `wrangler deploy` would, into `outdir`. */
export function buildBundle(outdir = join(ROOT, ".bench", "dist")) {
  rmSync(outdir, { recursive: true, force: true });
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  const res = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (res.status !== 0) throw new Error(`bundle failed:\n${res.stdout}\n${res.stderr}`);
  const script = join(outdir, "index.js");
  const bytes = readFileSync(script).byteLength;
  return { outdir, script, bytes };
}

/** Applies every migration file, in order, to a D1 binding. */
async function applyMigrations(db) {
  const dir = join(ROOT, "migrations");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const statements = unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"));
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
}

/** Reads and drops the runtime's stdout and stderr. */
function discardStdio(...streams) {
  for (const stream of streams) stream.resume();
}

/**
 * Starts the bundled Worker on workerd via Miniflare with fresh persisted state.
 * Static assets are left out by default: on Cloudflare the asset router runs at the edge before
 * the Worker, while Miniflare simulates it with extra worker hops on every request (measured
 * here: 832 vs 1,883 req/s for the same 404), which would benchmark the simulator, not Parapet.
 * `quiet` discards the Worker's log output. Returns `{ url, mf, stop }`.
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
    ...(quiet ? { handleRuntimeStdio: discardStdio } : {}),
  });
  const url = (await mf.ready).toString().replace(/\/$/, "");
  await applyMigrations(await mf.getD1Database("DB"));
  return {
    url,
    mf,
    dir,
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
 * response) and status counts. `requests` may be a list of autocannon request objects.
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
        duration: amount ? undefined : duration,
        amount,
        pipelining: 1,
      },
      (err, result) => {
        if (err) return reject(err);
        latencies.sort((a, b) => a - b);
        const statusCounts = result.statusCodeStats ?? {};
        resolve({
          rps: result.requests.average,
          total: result.requests.total,
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
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

/** Machine description for BENCHMARKS.md. */
export function machine() {
  const cpu = cpus();
  const uname = spawnSync("uname", ["-srm"], { encoding: "utf8" }).stdout.trim();
  return `${uname}; ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}; Node ${process.version}`;
}
