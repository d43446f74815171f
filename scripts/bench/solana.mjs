// Solana token monitoring throughput, on local workerd (Miniflare directly) with the production
// bundle (scripts/bench/lib.mjs):
//   1. ingest: webhook deliveries of 100 enhanced transactions (2 token transfers each), first
//      one at a time (latency of a delivery), then 8 connections at once (events/s);
//   2. one scan: the every-minute cron over a token with SOLANA_SCAN_MAX_EVENTS new transfers
//      (events/s through the scanner);
//   3. history: the same token with 10k, 100k and 1M transfers already stored and scanned
//      (seeded straight into D1, spread over the 30 days before the last two hours, with their
//      5-minute windows), then rounds of 2,000 new transfers and one scan each: the scan's time
//      should not grow with the stored history.
//
// Usage: npm run bench:solana [-- --history 10000,100000,1000000 --rounds 3 --batches 200]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import bs58 from "bs58";
import { ROOT } from "../lib/local-server.mjs";
import { BENCH_SECRETS, buildBundle, machine, startParapet } from "./lib.mjs";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const HISTORY = String(arg("history", "10000,100000,1000000")).split(",").map(Number);
const ROUNDS = Number(arg("rounds", 3));
const BATCHES = Number(arg("batches", 200));
const NEW_PER_ROUND = 2000;
const MINUTE = 60_000;
const WINDOW = 5 * MINUTE;
const SECRET = BENCH_SECRETS.SOLANA_WEBHOOK_SECRET;
const VARS = { SOLANA_SCAN_MAX_EVENTS: "20000" };

const bytes = (n) => crypto.getRandomValues(new Uint8Array(n));
const address = () => bs58.encode(bytes(32));
const signature = () => bs58.encode(bytes(64));
const WALLETS = Array.from({ length: 2000 }, address);
const wallet = (i) => WALLETS[(i * 7919) % WALLETS.length];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The Worker's JSON log lines reach this process's stdout: keep the scan job's own timing
// (`cron_job_done`) and drop the rest (one request line per delivery would drown the report).
const jobTimes = [];
const scanReports = [];
const writeOut = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const text = String(chunk);
  if (!text.startsWith('{"level"')) return writeOut(chunk, ...rest);
  for (const line of text.split("\n")) {
    if (line.includes('"cron_job_done"') && line.includes('"solana-anomaly-scan"')) jobTimes.push(JSON.parse(line).ms);
    if (line.includes('"solana_scan_done"')) scanReports.push(JSON.parse(line));
  }
  return true;
};

/** A webhook body of `n` transactions with 2 transfers each, timed in the last few minutes. */
function deliveryBody(mint, n, now, seq) {
  const items = [];
  for (let i = 0; i < n; i++) {
    const k = seq * n + i;
    items.push({
      signature: signature(),
      timestamp: Math.floor((now - 4 * MINUTE + (k % 240) * 1000) / 1000),
      slot: 310_000_000 + k,
      type: "SWAP",
      tokenTransfers: [
        { fromUserAccount: wallet(k), toUserAccount: wallet(k + 1), mint, tokenAmount: 10 + (k % 97) },
        { fromUserAccount: wallet(k + 1), toUserAccount: wallet(k + 2), mint, tokenAmount: 5 + (k % 13) / 10 },
      ],
    });
  }
  return JSON.stringify(items);
}

async function post(url, body) {
  const res = await fetch(`${url}/api/v1/ingest/solana`, {
    method: "POST",
    headers: { authorization: SECRET, "content-type": "application/json" },
    body,
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Monitors `mint` for a bench account, straight in D1 (due at once). */
async function monitorDirect(db, mint) {
  const now = Date.now();
  await db.batch([
    db
      .prepare(
        "INSERT OR IGNORE INTO users (id, email, password_hash, role, created_at) VALUES (?1, ?2, 'x', 'trader', ?3)",
      )
      .bind("usr_bench", "bench@bench.test", now),
    db
      .prepare(
        "INSERT INTO solana_monitors (id, account_id, token_address, update_interval, created_at, updated_at) VALUES (?1, 'usr_bench', ?2, 60, ?3, ?3)",
      )
      .bind(`mon_${mint.slice(0, 12)}`, mint, now),
    db
      .prepare("INSERT INTO solana_tokens (token_address, update_interval, next_scan_at) VALUES (?1, 60, 0)")
      .bind(mint),
  ]);
}

/**
 * Runs the every-minute cron once; returns the scan job's own time (its log line) and the wall
 * time of the whole scheduled event seen from here (which also waits for the metric flushes).
 */
async function scanOnce(mf) {
  const worker = await mf.getWorker();
  const seen = jobTimes.length;
  const started = process.hrtime.bigint();
  await worker.scheduled({ cron: "* * * * *", scheduledTime: new Date() });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  for (let i = 0; i < 50 && jobTimes.length === seen; i++) await new Promise((r) => setTimeout(r, 20));
  return { job: jobTimes.at(-1) ?? Number.NaN, wall, rowsRead: scanReports.at(-1)?.rows_read ?? Number.NaN };
}

async function tokenState(db, mint) {
  return db
    .prepare("SELECT last_event_id, next_scan_at FROM solana_tokens WHERE token_address = ?1")
    .bind(mint)
    .first();
}

async function makeDue(db, mint) {
  await db.prepare("UPDATE solana_tokens SET next_scan_at = 0 WHERE token_address = ?1").bind(mint).run();
}

async function benchIngestAndScan(script) {
  const app = await startParapet({ script, vars: VARS });
  try {
    const db = await app.mf.getD1Database("DB");
    const mint = address();
    await monitorDirect(db, mint);
    const now = Date.now();
    // Warm up (bundle load, first D1 statements), then single deliveries for latency.
    for (let i = 0; i < 5; i++) await post(app.url, deliveryBody(mint, 100, now, 10_000 + i));
    const single = [];
    for (let i = 0; i < 30; i++) {
      const body = deliveryBody(mint, 100, now, 20_000 + i);
      const started = process.hrtime.bigint();
      await post(app.url, body);
      single.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    single.sort((a, b) => a - b);
    // Concurrent deliveries, each body distinct (fresh signatures).
    const bodies = Array.from({ length: BATCHES }, (_, i) => deliveryBody(mint, 100, now, i));
    let next = 0;
    const result = await autocannon({
      url: `${app.url}/api/v1/ingest/solana`,
      requests: [
        {
          method: "POST",
          headers: { authorization: SECRET, "content-type": "application/json" },
          setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
        },
      ],
      connections: 8,
      amount: BATCHES,
    });
    const stored = await db.prepare("SELECT count(*) AS n FROM solana_transfers WHERE mint = ?1").bind(mint).first();
    // One scan of the cron's budget of new transfers (the rest waits for the next minute).
    const before = (await tokenState(db, mint)).last_event_id;
    const { job: scanMs, wall, rowsRead } = await scanOnce(app.mf);
    const scanned = (await tokenState(db, mint)).last_event_id - before;
    return {
      single: { p50: single[15], p95: single[Math.ceil(0.95 * single.length) - 1], max: single.at(-1) },
      concurrent: {
        deliveries_per_s: BATCHES / (result.duration || 1),
        events_per_s: (stored.n - 35 * 200) / (result.duration || 1),
        seconds: result.duration,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
      },
      stored: stored.n,
      scan: {
        events: scanned,
        ms: scanMs,
        wall_ms: wall,
        rows_read: rowsRead,
        events_per_s: (scanned / scanMs) * 1000,
      },
    };
  } finally {
    await app.stop();
  }
}

/** Seeds `n` scanned transfers of `mint` over the 30 days before the last two hours, with windows and prices. */
async function seedHistory(db, mint, n) {
  const end = Date.now() - 2 * 60 * MINUTE;
  const start = end - 30 * 24 * 60 * MINUTE;
  const step = (end - start) / n;
  const windows = new Map();
  const CHUNK = 5000;
  let statements = [];
  for (let i = 0; i < n; i += CHUNK) {
    const rows = [];
    for (let k = i; k < Math.min(n, i + CHUNK); k++) {
      const time = Math.floor(start + k * step);
      const amount = 1 + (k % 500);
      rows.push([mint, `h${k}`.padEnd(88, "x"), 0, time, wallet(k), wallet(k + 3), String(amount)]);
      const w = Math.floor(time / WINDOW) * WINDOW;
      const acc = windows.get(w) ?? { n: 0, v: 0, max: 0, last: 0 };
      acc.n++;
      acc.v += amount;
      acc.max = Math.max(acc.max, amount);
      acc.last = time;
      windows.set(w, acc);
    }
    statements.push(
      db
        .prepare(
          `INSERT INTO solana_transfers (mint, signature, transfer_index, block_time, from_wallet, to_wallet, amount, source, received_at)
           SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, 'webhook', 0
           FROM json_each(?1)`,
        )
        .bind(JSON.stringify(rows)),
    );
    if (statements.length === 20) {
      await db.batch(statements);
      statements = [];
    }
  }
  if (statements.length > 0) await db.batch(statements);
  const windowRows = [...windows].map(([w, a]) => [w, a.n, String(a.v), String(a.v), 0, String(a.max), a.last]);
  for (let i = 0; i < windowRows.length; i += CHUNK) {
    await db
      .prepare(
        `INSERT INTO solana_windows (mint, window_start, transfers, volume, volume_usd, unpriced, largest_usd, last_time)
         SELECT ?1, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6 FROM json_each(?2)`,
      )
      .bind(mint, JSON.stringify(windowRows.slice(i, i + CHUNK)))
      .run();
  }
  const prices = [];
  for (let t = start; t <= Date.now(); t += 10 * MINUTE) prices.push([mint, t, "1"]);
  await db
    .prepare(
      "INSERT INTO solana_prices (mint, price_time, price_usd, received_at) SELECT value ->> 0, value ->> 1, value ->> 2, 0 FROM json_each(?1)",
    )
    .bind(JSON.stringify(prices))
    .run();
  const max = await db.prepare("SELECT max(id) AS id FROM solana_transfers").first();
  await db
    .prepare("UPDATE solana_tokens SET last_event_id = ?2, next_scan_at = 0 WHERE token_address = ?1")
    .bind(mint, max.id)
    .run();
}

async function benchHistory(script, n) {
  const app = await startParapet({ script, vars: VARS });
  try {
    const db = await app.mf.getD1Database("DB");
    const mint = address();
    await monitorDirect(db, mint);
    const seeded = Date.now();
    await seedHistory(db, mint, n);
    const seedSeconds = (Date.now() - seeded) / 1000;
    await scanOnce(app.mf); // warm: nothing new yet
    const times = [];
    const walls = [];
    const reads = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let b = 0; b < NEW_PER_ROUND / 200; b++)
        await post(app.url, deliveryBody(mint, 100, Date.now(), round * 100 + b));
      await makeDue(db, mint);
      const before = (await tokenState(db, mint)).last_event_id;
      const { job, wall, rowsRead } = await scanOnce(app.mf);
      const scanned = (await tokenState(db, mint)).last_event_id - before;
      if (scanned !== NEW_PER_ROUND) throw new Error(`expected ${NEW_PER_ROUND} scanned, got ${scanned}`);
      times.push(job);
      walls.push(wall);
      reads.push(rowsRead);
    }
    return {
      stored: n,
      seed_s: seedSeconds,
      scan_ms: times,
      median_ms: median(times),
      wall_median_ms: median(walls),
      rows_read: reads,
    };
  } finally {
    await app.stop();
  }
}

const started = new Date();
console.error("building the production bundle…");
const { script } = buildBundle(join(ROOT, ".bench", "solana-bundle"));
console.error("ingest and one scan…");
const throughput = await benchIngestAndScan(script);
console.error(JSON.stringify(throughput));
const history = [];
for (const n of HISTORY) {
  console.error(`history of ${n} transfers…`);
  history.push(await benchHistory(script, n));
  console.error(JSON.stringify(history.at(-1)));
}

const f = (x, d = 1) => Number(x).toFixed(d);
const lines = [
  `Machine: ${machine()}. Date: ${started.toISOString().slice(0, 10)}. Command: \`npm run bench:solana\`.`,
  "",
  "| measure | value |",
  "| --- | --- |",
  `| one delivery of 100 transactions (200 transfers), one at a time: p50 / p95 / max | ${f(throughput.single.p50)} / ${f(throughput.single.p95)} / ${f(throughput.single.max)} ms |`,
  `| ingest, 8 concurrent deliveries: deliveries/s (transfers/s) | ${f(throughput.concurrent.deliveries_per_s)} (${f(throughput.concurrent.events_per_s, 0)}) |`,
  `| ingest, 8 concurrent: p50 / p99 latency | ${f(throughput.concurrent.p50)} / ${f(throughput.concurrent.p99)} ms |`,
  `| one scan: new transfers / scan job time / transfers/s | ${throughput.scan.events} / ${f(throughput.scan.ms, 0)} ms / ${f(throughput.scan.events_per_s, 0)} |`,
  `| the same scheduled event, wall time seen by the caller | ${f(throughput.scan.wall_ms, 0)} ms |`,
  `| rows D1 read for that scan | ${throughput.scan.rows_read.toLocaleString("en-US")} |`,
  "",
  `| stored transfers | seeding | scan job time for ${NEW_PER_ROUND} new transfers, ${ROUNDS} rounds (ms) | median | scheduled event wall time, median | rows D1 read per scan |`,
  "| --- | --- | --- | --- | --- | --- |",
  ...history.map(
    (h) =>
      `| ${h.stored.toLocaleString("en-US")} | ${f(h.seed_s)} s | ${h.scan_ms.map((x) => f(x, 0)).join(", ")} | **${f(h.median_ms, 0)} ms** | ${f(h.wall_median_ms, 0)} ms | ${h.rows_read.map((x) => x.toLocaleString("en-US")).join(", ")} |`,
  ),
];
mkdirSync(join(ROOT, ".bench"), { recursive: true });
writeFileSync(join(ROOT, ".bench", "solana.md"), `${lines.join("\n")}\n`);
console.log(`\n${lines.join("\n")}`);
writeFileSync(join(ROOT, ".bench", "solana.json"), JSON.stringify({ throughput, history }, null, 2));
