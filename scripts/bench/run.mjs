// `npm run bench`: the performance record. Builds the production bundle, runs it on workerd
// through Miniflare directly (scripts/bench/lib.mjs: fresh persisted state, migrations applied,
// no `wrangler dev` proxy), runs a minimal Worker on the same runtime as the baseline, and
// reports every scenario as a ratio to that baseline. Writes .bench/results.json and refreshes
// the table between the `bench:main` markers of BENCHMARKS.md.
//
// Every HTTP scenario: a warm-up of fixed size, then exactly N requests (N = warm-up rate ×
// duration, so each answer can be matched with its `api.request` audit row), then the audit rows
// are counted in D1 once the pipeline has flushed. Status codes other than 2xx are reported.
//
// Usage: npm run bench [-- --quick] [--only baseline,price,history,risk,trading,ingest,webhook,
//        overhead,scan,ws,cold] [--duration 10] [--connections 50] [--tool autocannon|wrk] [--no-write]
//        [--script path/to/bundle/index.js]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseCandleCsv, postCandles } from "../lib/candles.mjs";
import { ROOT } from "../lib/local-server.mjs";
import {
  auditCounter,
  BENCH_SECRETS,
  buildBundle,
  cliArgs,
  HIGH_LIMITS,
  hasWrk,
  load,
  loadAverage,
  loadWrk,
  machine,
  postJson,
  signedHeaders,
  signIn,
  startBaseline,
  startParapet,
  summary,
  waitForCount,
} from "./lib.mjs";
import { address, benchHistory, deliveryBody, monitorDirect } from "./solana.mjs";
import { fanOut } from "./ws.mjs";

const { arg, flag } = cliArgs();
const QUICK = flag("quick");
const DURATION = Number(arg("duration", QUICK ? 4 : 10));
const CONNECTIONS = Number(arg("connections", 50));
const TOOL = arg("tool", "autocannon");
const ALL = ["cold", "baseline", "price", "history", "risk", "trading", "ingest", "webhook", "overhead", "scan", "ws"];
const ONLY = new Set(arg("only", ALL.join(",")).split(","));
const PAIRS = Number(arg("pairs", QUICK ? 300 : 1000));
const SYMBOL = "BTC-USDT";
const log = (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
if (TOOL === "wrk" && !hasWrk()) throw new Error("--tool wrk: wrk is not installed (apt-get install wrk)");

const results = {
  date: new Date().toISOString(),
  machine: machine(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
  tool: TOOL,
  connections: CONNECTIONS,
  duration_s: DURATION,
  scenarios: {},
};
let app = null;
let seenProblems = 0;
const record = (name, value) => {
  // Warnings and errors the Worker logged during this scenario (a 500 says why here).
  const problems = app ? app.problems.lines.splice(0) : [];
  const problemCount = app ? app.problems.count - seenProblems : 0;
  if (app) seenProblems = app.problems.count;
  results.scenarios[name] = { ...value, load_avg: loadAverage(), problems: problemCount, problem_lines: problems };
  log(`${name}: ${JSON.stringify(results.scenarios[name])}`);
};

// --script runs a bundle built elsewhere (a bench-only variant); the default builds production.
if (!arg("script", null)) log("building the production bundle (wrangler deploy --dry-run)…");
const bundle = arg("script", null)
  ? { script: arg("script"), bytes: readFileSync(arg("script")).byteLength }
  : buildBundle();
const raw = readFileSync(bundle.script);
results.bundle = { bytes: raw.byteLength, gzip_bytes: gzipSync(raw, { level: 9 }).byteLength };

/** A short warm-up, then exactly rate × duration requests; audit rows matched when `count` is given. */
async function http({ url, count, connections = CONNECTIONS, ...request }) {
  const warm = await load({ url, connections, duration: Math.min(2, DURATION), ...request });
  if (TOOL === "wrk" && !request.requests) {
    const before = count ? (await waitForCount(count, Number.POSITIVE_INFINITY, { quietMs: 1000 })).count : 0;
    const r = await loadWrk({ url, connections, duration: DURATION, ...request });
    // wrk stops mid-flight: up to `connections` requests were sent but not counted.
    const audit = count ? await waitForCount(count, before + r.total + connections, { quietMs: 2000 }) : null;
    return { ...r, audited: audit ? audit.count - before : null, audit_exact: false };
  }
  const amount = Math.max(50, Math.round(warm.rps * DURATION));
  const before = count ? (await waitForCount(count, Number.POSITIVE_INFINITY, { quietMs: 1000 })).count : 0;
  const r = await load({ url, connections, amount, ...request });
  const audit = count ? await waitForCount(count, before + amount) : null;
  return {
    ...r,
    sent: amount,
    audited: audit ? audit.count - before : null,
    audit_flush_ms: audit?.ms ?? null,
    audit_exact: true,
  };
}

/** Sequential, interleaved requests (rotating order); per-path latencies and paired differences. */
async function paired(paths, rounds) {
  const names = Object.keys(paths);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const { url, headers = {}, status } = paths[name];
      const started = process.hrtime.bigint();
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      samples[name].push(Number(process.hrtime.bigint() - started) / 1e6);
      if (res.status !== status) throw new Error(`${name}: expected ${status}, got ${res.status}`);
    }
  }
  return samples;
}

const diff = (a, b) => summary(a.map((x, i) => x - b[i]));

const baseline = ONLY.has("baseline") || ONLY.has("price") || ONLY.has("overhead") ? await startBaseline() : null;
const needsApp = ["price", "history", "risk", "trading", "ingest", "webhook", "overhead"].some((s) => ONLY.has(s));
app = needsApp ? await startParapet({ script: bundle.script, quiet: true, vars: HIGH_LIMITS }) : null;
try {
  if (ONLY.has("cold")) {
    // A fresh Miniflare instance each time: workerd start, bundle load, first isolate.
    const runs = [];
    for (let i = 0; i < (QUICK ? 2 : 3); i++) {
      const t0 = performance.now();
      const fresh = await startParapet({ script: bundle.script, quiet: true });
      const started = performance.now();
      const first = await fetch(`${fresh.url}/health`);
      await first.arrayBuffer();
      const firstMs = performance.now() - started;
      const t2 = performance.now();
      await (await fetch(`${fresh.url}/health`)).arrayBuffer();
      runs.push({ start_ms: started - t0, first_ms: firstMs, second_ms: performance.now() - t2, status: first.status });
      await fresh.stop();
    }
    record("cold", {
      start_ms: summary(runs.map((r) => r.start_ms)).p50,
      first_ms: summary(runs.map((r) => r.first_ms)).p50,
      second_ms: summary(runs.map((r) => r.second_ms)).p50,
      runs,
    });
  }

  if (baseline && (ONLY.has("baseline") || ONLY.has("price"))) {
    record("baseline", await http({ url: baseline.url, path: "/" }));
  }

  let admin;
  let trader;
  let key;
  if (app) {
    const db = await app.mf.getD1Database("DB");
    const count = auditCounter(db);
    admin = await signIn(app.url, BENCH_SECRETS.ADMIN_EMAILS);
    trader = await signIn(app.url, "trader@bench.test", { role: "trader" });
    const rows = parseCandleCsv(readFileSync(join(ROOT, "data", "candles", "BTCUSDT-1d.csv"), "utf8"));
    log(`seeding ${rows.length} daily ${SYMBOL} candles…`);
    await postCandles({ url: app.url, token: admin, symbol: SYMBOL, interval: "1d", rows });
    key = await postJson(
      app.url,
      "/api/v1/keys",
      { name: "bench", scopes: ["read:market", "read:analysis", "read:portfolio", "write:trading"] },
      { authorization: `Bearer ${trader}` },
    );
    const price = `/api/v1/market/price/${SYMBOL}`;
    const jwt = { authorization: `Bearer ${trader}` };
    const apiKey = { "X-API-Key": key.api_key };

    if (ONLY.has("price")) {
      record("price_anonymous", await http({ url: app.url, count, path: price }));
      record("price_api_key", await http({ url: app.url, count, path: price, headers: apiKey }));
      record("price_jwt", await http({ url: app.url, count, path: price, headers: jwt }));
      if (TOOL !== "wrk" && baseline && hasWrk()) {
        // The same pair with wrk (C, cheaper than autocannon), so the load generator's share of
        // the two cores is visible: baseline and authenticated price, one after the other.
        record(
          "baseline_wrk",
          await loadWrk({ url: baseline.url, path: "/", connections: CONNECTIONS, duration: DURATION }),
        );
        const before = (await waitForCount(count, Number.POSITIVE_INFINITY, { quietMs: 1000 })).count;
        const r = await loadWrk({
          url: app.url,
          path: price,
          headers: apiKey,
          connections: CONNECTIONS,
          duration: DURATION,
        });
        const audit = await waitForCount(count, before + r.total + CONNECTIONS, { quietMs: 2000 });
        record("price_api_key_wrk", { ...r, audited: audit.count - before, audit_exact: false });
      }
    }
    if (ONLY.has("history")) {
      const path = `/api/v1/market/history/${SYMBOL}?interval=1d&start=2025-01-06T00:00:00Z&end=2026-01-06T00:00:00Z&limit=365`;
      const check = await (await fetch(`${app.url}${path}`, { headers: apiKey })).json();
      if (check.data?.length !== 365) throw new Error(`history: expected 365 candles, got ${check.data?.length}`);
      record("history_365d", await http({ url: app.url, count, path, headers: apiKey }));
    }
    if (ONLY.has("risk")) {
      const path = `/api/v1/analysis/risk/${SYMBOL}?window=365&confidence=0.95`;
      record("risk_365", await http({ url: app.url, count, path, headers: apiKey }));
      // Cache misses: a distinct confidence per request, so every request reads 366 candles.
      let n = 0;
      const requests = [
        {
          method: "GET",
          headers: apiKey,
          setupRequest: (req) => ({
            ...req,
            path: `/api/v1/analysis/risk/${SYMBOL}?window=365&confidence=${(0.9 + (n++ % 9000) / 100000).toFixed(5)}`,
          }),
        },
      ];
      record("risk_365_miss", await http({ url: app.url, count, path: "/", requests }));
    }
    if (ONLY.has("overhead") && baseline) {
      // Auth + key usage + rate limiter: the same 404 with and without /api/v1's layers.
      // The global chain (request id, config, observe, audit, headers, CORS, body limit, router)
      // against the baseline Worker. In workerd timers only advance across I/O, so CPU-only
      // stages cannot time themselves: these are client-side paired differences.
      const paths = {
        baseline: { url: `${baseline.url}/`, status: 200 },
        global: { url: `${app.url}/__bench`, status: 404 },
        api_key: { url: `${app.url}/api/v1/market/__bench`, headers: apiKey, status: 404 },
        jwt: { url: `${app.url}/api/v1/market/__bench`, headers: jwt, status: 404 },
        price_key: { url: `${app.url}${price}`, headers: apiKey, status: 200 },
      };
      await paired(paths, 200);
      const s = await paired(paths, PAIRS);
      record("overhead", {
        pairs: PAIRS,
        latency: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, summary(v)])),
        global_minus_baseline: diff(s.global, s.baseline),
        auth_rl_key: diff(s.api_key, s.global),
        auth_rl_jwt: diff(s.jwt, s.global),
        price_key_minus_baseline: diff(s.price_key, s.baseline),
      });
    }
    if (ONLY.has("trading")) {
      // Signed open + close with an API key (HMAC, replay claim, desk, ledger), 8 at a time. Sizes
      // differ so that two requests signed in the same millisecond are not replays of each other.
      const workers = 8;
      const until = Date.now() + DURATION * 1000;
      const opens = [];
      const closes = [];
      const statuses = {};
      let sent = 0;
      let seq = 0;
      const failures = [];
      const before = (await waitForCount(count, Number.POSITIVE_INFINITY, { quietMs: 1000 })).count;
      const call = async (method, path, body) => {
        const headers = {
          ...signedHeaders(key, method, path, body ?? ""),
          ...(body ? { "content-type": "application/json" } : {}),
        };
        const t = performance.now();
        const res = await fetch(`${app.url}${path}`, { method, headers, body });
        const text = await res.text();
        sent++;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // Not the API's error envelope: the runtime answered (an uncaught exception).
        }
        if (!res.ok && failures.length < 10) failures.push(`${method} ${res.status} ${text.slice(0, 300)}`);
        return { ms: performance.now() - t, status: res.status, json };
      };
      const started = performance.now();
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (Date.now() < until) {
            const open = await call(
              "POST",
              "/api/v1/portfolio/positions",
              JSON.stringify({ symbol: SYMBOL, size: `0.00${1000 + (seq++ % 9000)}`, type: "long" }),
            );
            if (open.status !== 201) continue; // counted in statuses, the answer kept in failures
            opens.push(open.ms);
            const close = await call("DELETE", `/api/v1/portfolio/positions/${open.json.position_id}`);
            if (close.status === 200) closes.push(close.ms);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const audit = await waitForCount(count, before + sent);
      record("trading_signed", {
        connections: workers,
        pairs_per_s: opens.length / seconds,
        rps: sent / seconds,
        sent,
        open: summary(opens),
        close: summary(closes),
        statusCounts: statuses,
        failures,
        audited: audit.count - before,
        audit_exact: true,
      });
    }
    if (ONLY.has("ingest")) {
      // 1,000 real hourly candles per request (ETH-USDT), two alternating bodies: re-sent
      // candles replace the stored ones, so every request writes 1,000 rows.
      const eth = parseCandleCsv(readFileSync(join(ROOT, "data", "candles", "ETHUSDT-1h.csv"), "utf8"));
      const bodies = [0, 1000].map((start) =>
        JSON.stringify({
          exchange: "binance",
          candles: eth.slice(start, start + 1000).map(({ open_time, ...c }) => ({
            symbol: "ETH-USDT",
            interval: "1h",
            timestamp: new Date(open_time).toISOString(),
            ...c,
          })),
        }),
      );
      let n = 0;
      const requests = [
        {
          method: "POST",
          headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
          setupRequest: (req) => ({ ...req, path: "/api/v1/market/ingest", body: bodies[n++ % 2] }),
        },
      ];
      record("ingest_1000", await http({ url: app.url, count, path: "/", requests, connections: 4 }));
    }
    if (ONLY.has("webhook")) {
      // Helius-style deliveries of 100 transactions (200 transfers), fresh signatures each.
      const mint = address();
      await monitorDirect(db, mint);
      let n = 0;
      const requests = [
        {
          method: "POST",
          headers: { authorization: BENCH_SECRETS.SOLANA_WEBHOOK_SECRET, "content-type": "application/json" },
          setupRequest: (req) => ({
            ...req,
            path: "/api/v1/ingest/solana",
            body: deliveryBody(mint, 100, Date.now(), n++),
          }),
        },
      ];
      record("webhook_100", await http({ url: app.url, count, path: "/", requests, connections: 8 }));
    }
  }
} finally {
  await app?.stop();
  await baseline?.stop();
}

if (ONLY.has("scan")) {
  // The every-minute scan of 2,000 new transfers over 100k (and 1M) stored ones.
  for (const n of QUICK ? [100_000] : [100_000, 1_000_000]) {
    log(`anomaly scan over ${n.toLocaleString("en")} stored transfers…`);
    record(`scan_${n}`, await benchHistory(bundle.script, n, QUICK ? 3 : 5));
  }
}
if (ONLY.has("ws")) {
  log("WebSocket fan-out of one alert…");
  const rows = await fanOut(bundle.script, {
    sockets: QUICK ? [1000] : [1000, 5000],
    rounds: QUICK ? 3 : 5,
    shards: 1,
  });
  for (const row of rows) record(`ws_${row.sockets}`, row);
  if (!QUICK) {
    // Locally, permessage-deflate is negotiated by Miniflare's entry worker whenever the client
    // offers it; the same fan-out with clients that do not offer it shows what compression costs.
    log("WebSocket fan-out, clients without permessage-deflate…");
    const [plain] = await fanOut(bundle.script, { sockets: [5000], rounds: 3, shards: 1, deflate: false });
    record("ws_5000_no_deflate", plain);
  }
}

writeFileSync(join(ROOT, ".bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
const table = renderTable(results);
console.log(table);
if (!flag("no-write")) {
  const file = join(ROOT, "BENCHMARKS.md");
  const text = readFileSync(file, "utf8");
  const start = "<!-- bench:main:start -->";
  const end = "<!-- bench:main:end -->";
  if (text.includes(start) && text.includes(end)) {
    writeFileSync(
      file,
      `${text.slice(0, text.indexOf(start) + start.length)}\n${table}\n${text.slice(text.indexOf(end))}`,
    );
    log("BENCHMARKS.md: main table refreshed");
  } else log("BENCHMARKS.md has no bench:main markers; table printed only");
}

/** The main table of BENCHMARKS.md, every row as a ratio to the baseline. */
function renderTable(r) {
  const s = r.scenarios;
  const base = s.baseline;
  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "—");
  const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en") : "—");
  const ratio = (x, y) => (base && Number.isFinite(x) && Number.isFinite(y) && y > 0 ? `${(x / y).toFixed(2)}×` : "—");
  const bad = (row) => {
    const counts = row.statusCounts ?? {};
    const other = Object.entries(counts).filter(([code]) => !code.startsWith("2"));
    const text = other.length ? other.map(([c, n]) => `${n}× ${c}`).join(", ") : "0";
    return row.tool === "wrk" ? String(row.non2xx) : `${text}${row.errors ? `, ${row.errors} errors` : ""}`;
  };
  const audit = (row) =>
    row.audited == null
      ? "—"
      : `${int(row.sent ?? row.total)} → ${int(row.audited)}${row.audit_exact && row.audited === (row.sent ?? row.total) ? " ✓" : row.audit_exact ? " ✗" : " (wrk: ≥)"}`;
  const lines = [
    `Run: ${r.date.slice(0, 16).replace("T", " ")} UTC · \`${r.command}\` · load generator ${r.tool}, ${r.connections} connections, ~${r.duration_s} s per scenario · ${r.machine}`,
    `Load average (1 min) at the end of each row in the last column. Bundle: ${int(r.bundle.bytes / 1024)} KiB raw, ${int(r.bundle.gzip_bytes / 1024)} KiB gzip.`,
    "",
    "| scenario | req/s | ratio to baseline | p50 ms | p95 ms | p99 ms | p95 ratio | non-2xx | requests → audit rows | load |",
    "| --- | --: | --: | --: | --: | --: | --: | --- | --- | --: |",
  ];
  const row = (label, x, conns) => {
    if (!x) return;
    lines.push(
      `| ${label}${conns ? ` (${conns} conn.)` : ""} | ${int(x.rps)} | ${ratio(x.rps, base?.rps)} | ${f(x.p50)} | ${f(x.p95)} | ${f(x.p99)} | ${ratio(x.p95, base?.p95)} | ${bad(x)} | ${audit(x)} | ${f(x.load_avg)} |`,
    );
  };
  row("baseline: minimal Worker, same runtime", base);
  row("`GET /market/price/{symbol}`, anonymous", s.price_anonymous);
  row("the same, API key", s.price_api_key);
  row("the same, JWT", s.price_jwt);
  if (s.baseline_wrk && s.price_api_key_wrk) {
    const bw = s.baseline_wrk;
    for (const [label, x] of [
      ["baseline, driven by wrk", bw],
      ["`GET /market/price/{symbol}`, API key, driven by wrk", s.price_api_key_wrk],
    ]) {
      lines.push(
        `| ${label} | ${int(x.rps)} | ${(x.rps / bw.rps).toFixed(2)}× of wrk baseline | ${f(x.p50)} | ${f(x.p95)} | ${f(x.p99)} | ${(x.p95 / bw.p95).toFixed(2)}× | ${bad(x)} | ${audit(x)} | ${f(x.load_avg)} |`,
      );
    }
  }
  row("history, 365 daily candles (API key)", s.history_365d);
  row("risk, window 365, cached answer", s.risk_365);
  row("risk, window 365, cache miss (366 candles read)", s.risk_365_miss);
  row("ingest of 1,000 candles per request (admin JWT)", s.ingest_1000, 4);
  row("Solana webhook, 100 transactions per delivery", s.webhook_100, 8);
  if (s.trading_signed) {
    const t = s.trading_signed;
    lines.push(
      `| signed open + close (API key, HMAC), 8 at a time | ${int(t.rps)} (${f(t.pairs_per_s)} pairs/s) | ${ratio(t.rps, base?.rps)} | open ${f(t.open.p50)} / close ${f(t.close.p50)} | open ${f(t.open.p95)} / close ${f(t.close.p95)} | open ${f(t.open.p99)} / close ${f(t.close.p99)} | — | ${bad({ statusCounts: t.statusCounts })} | ${audit(t)} | ${f(t.load_avg)} |`,
    );
  }
  lines.push("");
  if (s.overhead) {
    const o = s.overhead;
    lines.push(
      `Per-request overhead (${int(o.pairs)} sequential interleaved rounds, medians of paired differences, ms): ` +
        `global chain incl. audit (404 vs baseline) **${f(o.global_minus_baseline.p50, 2)}**; ` +
        `auth + key usage + rate limiter with an API key **${f(o.auth_rl_key.p50, 2)}**, with a JWT **${f(o.auth_rl_jwt.p50, 2)}**; ` +
        `whole price read with an API key vs baseline ${f(o.price_key_minus_baseline.p50, 2)} ` +
        `(sequential p50: baseline ${f(o.latency.baseline.p50, 2)}, price ${f(o.latency.price_key.p50, 2)}; load ${f(o.load_avg)}).`,
      "",
    );
  }
  const other = [];
  if (s.cold)
    other.push(
      `| cold start: fresh Miniflare + migrations → ready / first response / second response | ${int(s.cold.start_ms)} ms / ${f(s.cold.first_ms)} ms / ${f(s.cold.second_ms)} ms | ${f(s.cold.load_avg)} |`,
    );
  for (const n of [100_000, 1_000_000]) {
    const x = s[`scan_${n}`];
    if (x)
      other.push(
        `| anomaly scan of 2,000 new transfers over ${int(n)} stored: job time per round (median) | ${x.scan_ms.map((v) => f(v, 0)).join(", ")} ms (**${f(x.median_ms, 0)}**); rows read ${x.rows_read.map(int).join(", ")}${x.db_bytes ? `; D1 after seeding ${int(x.db_bytes / 2 ** 20)} MiB (${int(x.db_bytes / n)} bytes per stored transfer)` : ""} | ${f(x.load_avg)} |`,
      );
  }
  for (const [name, label] of [
    ["ws_1000", "1,000 sockets"],
    ["ws_5000", "5,000 sockets"],
    ["ws_5000_no_deflate", "5,000 sockets, clients without permessage-deflate"],
  ]) {
    const x = s[name];
    if (x)
      other.push(
        `| WebSocket fan-out of one alert to ${label}, one room: received / p50 / p99 (median of rounds); workerd RSS per socket | ${int(x.received)} / ${f(x.p50, 0)} ms / **${f(x.p99, 0)} ms** (p99 per round ${x.p99s}); ${int(x.perSocket / 1024)} KiB | ${f(x.load_avg)} |`,
      );
  }
  if (other.length) lines.push("| other measure | value | load |", "| --- | --- | --: |", ...other);
  const problems = Object.entries(s).filter(([, x]) => x.problems > 0);
  if (problems.length)
    lines.push(
      "",
      `Warnings and errors the Worker logged: ${problems.map(([k, x]) => `${k} ${x.problems}`).join(", ")} (lines in .bench/results.json).`,
    );
  return lines.join("\n");
}
