// Measures the audit pipeline on local workerd (Miniflare directly, production bundle):
//
// 1. Sequencer throughput: how many entries per second the single AuditSequencer object numbers,
//    hash-chains, keeps in its outbox and writes to D1, fed by N concurrent appenders sending
//    batches of B entries (a Worker isolate sends one batch per 100 ms flush, so B is roughly
//    an isolate's requests per 100 ms). Every append waits until its entries are in D1.
// 2. End to end: autocannon against a route that does nothing but the global middleware (404),
//    then the time until every request's api.request entry is in D1, and whether the count is
//    exact.
//
// Usage: npm run bench:audit [-- --seconds 8 --appenders 16 --requests 4000]
// (The Worker's request log lines go to stdout too; the results are the lines without a "{".)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { ROOT } from "../lib/local-server.mjs";
import { applyMigrations, BENCH_SECRETS, buildBundle, machine, startParapet } from "./lib.mjs";

/** `amount` requests over `connections`; every request sent is answered before it resolves. */
function fixedLoad(url, path, connections, amount) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const instance = autocannon({ url: `${url}${path}`, connections, amount, pipelining: 1 }, (err, result) => {
      if (err) return reject(err);
      latencies.sort((a, b) => a - b);
      const p = (q) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
      resolve({ rps: result.requests.average, total: result.requests.total, p50: p(0.5), p99: p(0.99) });
    });
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = arg("seconds", 8);
const REQUESTS = arg("requests", 4000);
const APPENDERS = arg("appenders", 16);
const BATCHES = [1, 20, 200];

function draft(i) {
  return {
    ts: Date.now(),
    request_id: `bench-${i}`,
    event: "api.request",
    account_id: "usr_bench",
    key_id: null,
    method: "GET",
    endpoint: "/api/v1/market/price/{symbol}",
    status: 200,
    ip: "203.0.113.7",
    country: "DE",
    user_agent: "bench/1.0 (a typical user agent string of moderate length)",
    latency_ms: 3,
    details: "{}",
  };
}

async function count(db) {
  const row = await db.prepare("SELECT COUNT(*) AS n FROM audit_log").first();
  return row.n;
}

console.error("building the production bundle (wrangler deploy --dry-run)…");
const bundle = buildBundle();
console.log(`machine: ${machine()}`);

// The appenders run inside workerd, in a small driver Worker bound to the parapet Worker's
// AuditSequencer class: driving the object through Miniflare's Node-side proxy would measure the
// proxy instead (every call crosses a socket from Node).
const DRIVER = `
export default {
  async fetch(request, env) {
    const q = new URL(request.url).searchParams;
    const batch = Number(q.get("batch")), appenders = Number(q.get("appenders")), seconds = Number(q.get("seconds"));
    const draft = JSON.parse(q.get("draft"));
    const payload = Array.from({ length: batch }, (_, i) => ({ ...draft, request_id: "bench-" + i }));
    const stub = env.AUDIT.get(env.AUDIT.idFromName("chain"));
    await stub.append(crypto.randomUUID(), payload);
    const deadline = Date.now() + seconds * 1000;
    const started = Date.now();
    let appended = 0, undelivered = 0;
    const latencies = [];
    await Promise.all(Array.from({ length: appenders }, async () => {
      while (Date.now() < deadline) {
        const t = Date.now();
        const r = await stub.append(crypto.randomUUID(), payload);
        latencies.push(Date.now() - t);
        appended += batch;
        if (!r.delivered) undelivered += batch;
      }
    }));
    return Response.json({ appended, undelivered, elapsed: (Date.now() - started) / 1000, latencies });
  },
};`;

async function startWithDriver() {
  const dir = mkdtempSync(join(tmpdir(), "parapet-bench-audit-"));
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  delete workerOptions.assets;
  const mf = new Miniflare({
    d1Persist: join(dir, "d1"),
    durableObjectsPersist: join(dir, "do"),
    workers: [
      {
        ...workerOptions,
        name: "parapet",
        modules: [{ type: "ESModule", path: bundle.script }],
        modulesRoot: join(bundle.script, ".."),
        bindings: { ...workerOptions.bindings, ...BENCH_SECRETS },
      },
      {
        name: "driver",
        modules: true,
        script: DRIVER,
        compatibilityDate: "2026-04-20",
        durableObjects: { AUDIT: { className: "AuditSequencer", scriptName: "parapet" } },
      },
    ],
  });
  await mf.ready;
  const db = await mf.getD1Database("DB", "parapet");
  await applyMigrations(db);
  return {
    mf,
    db,
    stop: async () => {
      await mf.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

for (const batch of BATCHES) {
  const { mf, db, stop } = await startWithDriver();
  try {
    const driver = await mf.getWorker("driver");
    const query = new URLSearchParams({
      batch,
      appenders: APPENDERS,
      seconds: SECONDS,
      draft: JSON.stringify(draft(0)),
    });
    const before = 0;
    const run = await (await driver.fetch(`http://driver/?${query}`)).json();
    const stored = (await count(db)) - before - batch; // minus the warm-up batch
    const latencies = run.latencies.sort((a, b) => a - b);
    const p = (q) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
    console.log(
      `sequencer, batch ${batch}, ${APPENDERS} appenders: ${Math.round(run.appended / run.elapsed)} entries/s ` +
        `(${run.appended} appended, ${stored} in D1${stored === run.appended ? ", exact" : ", MISMATCH"}), ` +
        `append p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`,
    );
  } finally {
    await stop();
  }
}

const app = await startParapet({ script: bundle.script });
try {
  const db = await app.mf.getD1Database("DB");
  // A fixed number of requests (not a duration), so every request sent is also answered.
  const sent = REQUESTS;
  const result = await fixedLoad(app.url, "/__bench_audit", 50, sent);
  const t = Date.now();
  let stored = await count(db);
  while (stored < sent && Date.now() - t < 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    stored = await count(db);
  }
  console.log(
    `end to end (GET 404, 50 connections): ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(1)} ms, ` +
      `p99 ${result.p99.toFixed(1)} ms; ${sent} requests → ${stored} api.request rows ` +
      `(${stored === sent ? "exact" : "MISMATCH"}), all in D1 ${Date.now() - t} ms after the last response`,
  );
} finally {
  await app.stop();
}
