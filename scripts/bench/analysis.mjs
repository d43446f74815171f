// Measures the analysis capability on local workerd (Miniflare directly) against the production
// bundle, with the demo data (every file of data/candles/, loaded through the ingest API):
//
//   training: the real training cron (`scheduled`, "*/5 * * * *") run after run until every
//             model exists: wall time per run, models trained per run;
//   reads:    sequential latency (p50/p95/p99) of the risk and prediction routes with the
//             isolate cache hit, and missed (distinct query each request for risk; the newest
//             candle re-sent before each prediction request, outside the timing), next to the
//             cached price read as a reference, then throughput of the cached reads (autocannon).
//
// Rate limits are raised so nothing is refused. Usage: npm run bench:analysis [-- --requests 300]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCandleDir } from "../lib/candles.mjs";
import { ROOT } from "../lib/local-server.mjs";
import { BENCH_SECRETS, buildBundle, load, machine, startParapet } from "./lib.mjs";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const REQUESTS = arg("requests", 300);
const DURATION = arg("duration", 10);
const CRON = "*/5 * * * *";
const RESULTS = join(ROOT, ".bench", "analysis-results.md");
const UNLIMITED = Object.fromEntries(
  ["ANONYMOUS", "JWT", "BASIC", "PREMIUM", "ENTERPRISE"].flatMap((tier) => [
    [`RATE_LIMIT_${tier}_PER_MINUTE`, "100000"],
    [`RATE_LIMIT_${tier}_BURST`, "100000"],
  ]),
);
for (const category of ["MARKET", "TRADING", "ACCOUNT", "TOKEN", "AUTH"])
  UNLIMITED[`RATE_LIMIT_${category}_PER_SECOND`] = "10000";

const log = (line) => console.error(line);
const ms = (x) => (Number.isFinite(x) ? x.toFixed(2) : "—");

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p95: at(95), p99: at(99) };
}

async function postJson(url, path, body, token) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

log("building the production bundle (wrangler deploy --dry-run)…");
const bundle = buildBundle(join(ROOT, ".bench", "analysis-dist"));
const app = await startParapet({ script: bundle.script, vars: UNLIMITED });
try {
  const credentials = { email: BENCH_SECRETS.ADMIN_EMAILS, password: "bench-admin-password-0123" };
  await postJson(app.url, "/api/v1/auth/register", credentials);
  const { access_token: token } = await postJson(app.url, "/api/v1/auth/login", credentials);
  const auth = { Authorization: `Bearer ${token}` };
  log("loading data/candles through the ingest API…");
  await loadCandleDir({ url: app.url, token, dir: join(ROOT, "data", "candles"), log });

  // Training: the cron, run after run, until nothing is due.
  const worker = await app.mf.getWorker();
  const db = await app.mf.getD1Database("DB");
  const count = async () =>
    (await db.prepare("SELECT model, count(*) AS n FROM analysis_models WHERE version > 0 GROUP BY model").all())
      .results;
  const runs = [];
  for (let run = 1; run <= 4; run++) {
    const started = performance.now();
    await worker.scheduled({ cron: CRON, scheduledTime: new Date() });
    const wall = performance.now() - started;
    const byModel = Object.fromEntries((await count()).map((r) => [r.model, r.n]));
    runs.push({ run, wall, ensemble: byModel.ensemble ?? 0, lstm: byModel.lstm ?? 0 });
    log(`training run ${run}: ${wall.toFixed(0)} ms, stored ${JSON.stringify(byModel)}`);
    if ((byModel.ensemble ?? 0) === 9 && (byModel.lstm ?? 0) === 9) break;
  }

  // Reads, sequential and interleaved request by request, so drift and other processes on the
  // machine hit every scenario alike.
  const newestHourly = await db
    .prepare(
      "SELECT open_time, open, high, low, close, volume FROM market_candles WHERE symbol = 'BTC-USDT' AND interval = '1h' ORDER BY open_time DESC LIMIT 1",
    )
    .first();
  const resendNewest = () =>
    postJson(
      app.url,
      "/api/v1/market/ingest",
      {
        exchange: "binance",
        candles: [
          {
            symbol: "BTC-USDT",
            interval: "1h",
            timestamp: new Date(newestHourly.open_time).toISOString(),
            ...Object.fromEntries(["open", "high", "low", "close", "volume"].map((k) => [k, newestHourly[k]])),
          },
        ],
      },
      token,
    );
  const confidence = (i) => (0.9 + i * (0.099 / REQUESTS)).toFixed(5);
  const scenarios = [
    { name: "price (cached, reference)", path: () => "/api/v1/market/price/BTC-USDT" },
    { name: "risk, window 365, cache hit", path: () => "/api/v1/analysis/risk/BTC-USDT" },
    { name: "risk, window 365, cache miss", path: (i) => `/api/v1/analysis/risk/BTC-USDT?confidence=${confidence(i)}` },
    {
      name: "risk, window 2000, cache miss",
      path: (i) => `/api/v1/analysis/risk/BTC-USDT?window=2000&confidence=${confidence(i)}`,
    },
    { name: "prediction 1d ensemble, cache hit", path: () => "/api/v1/analysis/prediction/BTC-USDT?timeframe=1d" },
    {
      name: "prediction 1h ensemble, cache miss",
      path: () => "/api/v1/analysis/prediction/BTC-USDT?timeframe=1h",
      before: resendNewest,
    },
    {
      name: "prediction 1h lstm, cache miss",
      path: () => "/api/v1/analysis/prediction/BTC-USDT?timeframe=1h&model=lstm",
      before: resendNewest,
    },
  ];
  const samples = scenarios.map(() => []);
  for (let i = -20; i < REQUESTS; i++) {
    for (const [k, scenario] of scenarios.entries()) {
      if (scenario.before) await scenario.before();
      const started = performance.now();
      const res = await fetch(`${app.url}${scenario.path(Math.max(0, i))}`, { headers: auth });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${scenario.path(i)}: ${res.status}`);
      if (i >= 0) samples[k].push(performance.now() - started); // the first 20 rounds warm up
    }
  }
  const reads = scenarios.map((scenario, k) => [scenario.name, percentiles(samples[k])]);
  const riskLoad = await load({
    url: app.url,
    path: "/api/v1/analysis/risk/BTC-USDT",
    headers: auth,
    connections: 10,
    duration: DURATION,
  });
  const predictionLoad = await load({
    url: app.url,
    path: "/api/v1/analysis/prediction/BTC-USDT?timeframe=1d",
    headers: auth,
    connections: 10,
    duration: DURATION,
  });

  const out = [];
  const print = (line) => out.push(line);
  print(`Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.\n`);
  print("| training run | wall ms | ensembles stored | LSTMs stored |\n|--:|--:|--:|--:|");
  for (const r of runs) print(`| ${r.run} | ${r.wall.toFixed(0)} | ${r.ensemble} / 9 | ${r.lstm} / 9 |`);
  print(`\n| read (${REQUESTS} sequential rounds, interleaved) | p50 ms | p95 ms | p99 ms |\n|---|--:|--:|--:|`);
  for (const [name, p] of reads) print(`| ${name} | ${ms(p.p50)} | ${ms(p.p95)} | ${ms(p.p99)} |`);
  print("\n| throughput (10 connections, cached) | req/s | p50 ms | p99 ms | non-2xx |\n|---|--:|--:|--:|--:|");
  for (const [name, r] of [
    ["risk", riskLoad],
    ["prediction", predictionLoad],
  ]) {
    print(`| ${name} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.non2xx} |`);
  }
  // The Worker's own logs share stdout; the results go to a file and are printed last.
  mkdirSync(join(ROOT, ".bench"), { recursive: true });
  writeFileSync(RESULTS, `${out.join("\n")}\n`);
} finally {
  await app.stop();
}
console.log(`\n${readFileSync(RESULTS, "utf8")}(also in ${RESULTS})`);
