// Measures WebSocket fan-out on local workerd (Miniflare directly, the production bundle): N
// concurrent sockets receive one published message. Reports delivery latency over the sockets
// (p50/p99/max, from the publish to each socket's receipt, both clocks in this process) and the
// resident memory of the workerd processes.
//
// Sockets are opened through the Worker exactly as clients do (JWT in ?token=, rate limiter,
// room upgrade), 100 per account (the default per-account cap), and ping every 20 s like real
// clients. Two streams:
//   alerts: every socket follows one token on /ws/alerts; the alert is published the way
//           `publishAlerts` does it, one RPC per room, all rooms at once. No HTTP route publishes
//           alerts (the anomaly scanner calls the seam from a cron), so the RPCs come from this
//           process through Miniflare's Durable Object proxy; "publish RPC alone" is that hop's
//           own cost (a publish that reaches no socket), included in the latencies.
//   market: every socket follows one symbol on /ws/market; one trade is POSTed to
//           /api/v1/market/ingest, and the Worker publishes the ticker (`publishMarket` under
//           waitUntil): the full production path, the ingest's D1 write included.
// Layouts: every socket in one room (`WS_ROOM_SHARDS=1`: how far one room goes) and 8 rooms.
//
// Usage: npm run bench:ws [-- --stream alerts|market --sockets 1000,5000 --shards 1,8 --rounds 5 --deflate on|off]
// `npm run bench` runs `fanOut` (exported below) for its WebSocket rows.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { BENCH_SECRETS, buildBundle, cliArgs, HIGH_LIMITS, isMain, machine, startParapet } from "./lib.mjs";

const PER_ACCOUNT = 100;
const TOKEN = "7Lf2U6kZK6TqJ4d4BWK3TYsy7ZrXksu5oEAXpgAHbMR9";
const SYMBOL = "BENCH-USDT";
const PASSWORD = "bench password that is long enough";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);

/** Resident memory (bytes) of every workerd process started under this one. */
function workerdRss() {
  const rows = execFileSync("ps", ["-eo", "pid,ppid,rss,comm"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, rss, comm]) => ({ pid: Number(pid), ppid: Number(ppid), rss: Number(rss) * 1024, comm }));
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (!mine.has(row.pid) && mine.has(row.ppid)) {
        mine.add(row.pid);
        grew = true;
      }
    }
  }
  return rows.filter((r) => mine.has(r.pid) && r.comm.includes("workerd")).reduce((sum, r) => sum + r.rss, 0);
}

async function post(url, path, body, headers = {}) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** Registers and signs in an account; returns its access token. */
async function signIn(url, email) {
  await post(url, "/api/v1/auth/register", { email, password: PASSWORD });
  return (await post(url, "/api/v1/auth/login", { email, password: PASSWORD })).access_token;
}

const SUBSCRIBE = {
  alerts: { action: "subscribe", channel: "anomalies", token_addresses: [TOKEN] },
  market: { action: "subscribe", channel: "market", symbols: [SYMBOL] },
};
const DATA_PREFIX = { alerts: '{"type":"anomaly_alert"', market: '{"type":"ticker"' };

/** Opens one socket and subscribes it; resolves once acknowledged. */
function openSocket(url, token, onData, { stream, deflate }) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/ws/${stream}?token=${token}`, {
      perMessageDeflate: deflate,
    });
    const timer = setTimeout(() => reject(new Error("socket setup timed out")), 60_000);
    ws.once("error", reject);
    ws.once("open", () => {
      ws.send(JSON.stringify(SUBSCRIBE[stream]));
      // Like a real client (ping_interval 30 s): silent sockets are closed after 40 s.
      const pinger = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), 20_000);
      ws.once("close", () => clearInterval(pinger));
    });
    ws.on("message", (data) => {
      const text = data.toString();
      if (text.startsWith(DATA_PREFIX[stream])) onData();
      else if (text.startsWith('{"type":"subscribed"')) {
        clearTimeout(timer);
        resolve(ws);
      } else if (text.startsWith('{"type":"error"')) reject(new Error(text));
    });
  });
}

async function pool(items, limit, run) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await run(items[next++]);
    }),
  );
}

const alert = (round) => [
  {
    message: {
      type: "anomaly_alert",
      data: {
        token_address: TOKEN,
        risk_score: 0.85,
        anomaly_type: "whale_movement",
        timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        details: { wallet_address: "wallet_address", amount: 500000 + round, usd_value: 250000 },
      },
    },
    account_ids: [],
  },
];

/** How one round publishes, per stream; resolves when the publisher's call returned. */
async function publisher(parapet, shards, stream) {
  if (stream === "alerts") {
    const ns = await parapet.mf.getDurableObjectNamespace("ROOMS");
    const rooms = Array.from({ length: shards }, (_, i) => ns.get(ns.idFromName(`stream-room-${i}`)));
    const fanOut = (deliveries) => Promise.all(rooms.map((room) => room.publishAlerts(deliveries)));
    const idle = [];
    for (let i = 0; i < 21; i++) {
      const started = performance.now();
      await fanOut([]);
      idle.push(performance.now() - started);
    }
    return { publish: (round) => fanOut(alert(round)), hop: idle.sort((a, b) => a - b)[10] };
  }
  const admin = await signIn(parapet.url, BENCH_SECRETS.ADMIN_EMAILS);
  const trade = (price) => ({
    exchange: "binance",
    trades: [{ symbol: SYMBOL, price, size: "1", timestamp: new Date().toISOString() }],
  });
  await post(parapet.url, "/api/v1/market/ingest", trade("1.00"), { Authorization: `Bearer ${admin}` });
  return {
    publish: (round) =>
      post(parapet.url, "/api/v1/market/ingest", trade(`${100 + round}.00`), { Authorization: `Bearer ${admin}` }),
    hop: null,
  };
}

/**
 * Opens `sockets` (ascending counts, added up) on a fresh instance with `shards` rooms and times
 * `rounds` published messages to all of them; one row per socket count.
 */
export async function fanOut(
  script,
  {
    stream = "alerts",
    shards = 1,
    sockets: socketCounts = [1000, 5000],
    rounds: ROUNDS = 5,
    deflate = true,
    concurrency = 50,
  } = {},
) {
  const SOCKET_COUNTS = [...socketCounts].sort((a, b) => a - b);
  const parapet = await startParapet({
    script,
    quiet: true,
    vars: { ...HIGH_LIMITS, WS_ROOM_SHARDS: String(shards) },
  });
  const rows = [];
  const sockets = [];
  try {
    const tokens = [];
    for (let i = 0; i < Math.ceil(SOCKET_COUNTS.at(-1) / PER_ACCOUNT); i++) {
      tokens.push(await signIn(parapet.url, `ws-bench-${i}-${crypto.randomUUID()}@bench.test`));
    }
    const { publish, hop } = await publisher(parapet, shards, stream);
    let arrivals = [];
    let published = 0;
    const baseline = workerdRss();
    let compressed = 0;

    for (const n of SOCKET_COUNTS) {
      const wanted = Array.from(
        { length: n - sockets.length },
        (_, i) => tokens[Math.floor((sockets.length + i) / PER_ACCOUNT)],
      );
      const openStarted = performance.now();
      await pool(wanted, concurrency, async (token) => {
        const ws = await openSocket(parapet.url, token, () => arrivals.push(performance.now() - published), {
          stream,
          deflate,
        });
        if (ws.extensions.includes("permessage-deflate")) compressed++;
        sockets.push(ws);
      });
      const openSeconds = (performance.now() - openStarted) / 1000;
      await sleep(2000); // let the rooms settle before measuring memory
      const rss = workerdRss();

      const rounds = [];
      for (let round = 0; round < ROUNDS; round++) {
        arrivals = [];
        published = performance.now();
        await publish(round);
        const returned = performance.now() - published;
        const deadline = performance.now() + 30_000;
        while (arrivals.length < n && performance.now() < deadline) await sleep(5);
        const sorted = [...arrivals].sort((a, b) => a - b);
        rounds.push({
          returned,
          received: sorted.length,
          p50: quantile(sorted, 0.5),
          p99: quantile(sorted, 0.99),
          max: sorted.at(-1),
        });
        await sleep(500);
      }
      const median = (key) => rounds.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(rounds.length / 2)];
      rows.push({
        shards,
        sockets: n,
        received: Math.min(...rounds.map((r) => r.received)),
        p50: median("p50"),
        p99: median("p99"),
        max: median("max"),
        p99s: rounds.map((r) => fmt(r.p99)).join(", "),
        publisher:
          stream === "alerts"
            ? `RPCs returned ${fmt(median("returned"))} ms (hop alone ${fmt(hop)} ms)`
            : `ingest 202 after ${fmt(median("returned"))} ms`,
        rss,
        perSocket: (rss - baseline) / n,
        openSeconds,
        compressed: `${compressed}/${sockets.length}`,
      });
      console.error(`stream=${stream} rooms=${shards} sockets=${n}:`, JSON.stringify(rows.at(-1)));
    }
  } finally {
    for (const ws of sockets) ws.terminate();
    await parapet.stop();
  }
  return rows;
}

if (isMain(import.meta.url)) await main();

async function main() {
  const { arg } = cliArgs();
  const STREAM = arg("stream", "alerts");
  const SOCKET_COUNTS = arg("sockets", "1000,5000").split(",").map(Number);
  const SHARD_COUNTS = arg("shards", "1,8").split(",").map(Number);
  const ROUNDS = Number(arg("rounds", "5"));
  const DEFLATE = arg("deflate", "on") !== "off";
  const options = {
    stream: STREAM,
    sockets: SOCKET_COUNTS,
    rounds: ROUNDS,
    deflate: DEFLATE,
    concurrency: Number(arg("concurrency", "50")),
  };
  console.error("building the production bundle (wrangler deploy --dry-run)…");
  const { script } = buildBundle();
  const results = [];
  for (const shards of SHARD_COUNTS) results.push(...(await fanOut(script, { ...options, shards })));

  const load = readFileSync("/proc/loadavg", "utf8").split(" ")[0];
  console.log(
    `Machine: ${machine()}; load average (1 min) at the end: ${load}. Date: ${new Date().toISOString().slice(0, 10)}.`,
  );
  console.log(
    `Stream: ${STREAM}. Rounds per row: ${ROUNDS} (latency columns: the median round; p99 of every round listed). Clients offer permessage-deflate: ${DEFLATE ? "yes" : "no"}.\n`,
  );
  console.log(
    "| rooms | sockets | received | p50 | p99 | max | p99 per round (ms) | publisher | workerd RSS | RSS per socket | connect time | deflate |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of results) {
    console.log(
      `| ${r.shards} | ${r.sockets.toLocaleString("en")} | ${r.received.toLocaleString("en")} | ${fmt(r.p50)} ms | ${fmt(r.p99)} ms | ${fmt(r.max)} ms | ${r.p99s} | ${r.publisher} | ${mib(r.rss)} MiB | ${(r.perSocket / 1024).toFixed(0)} KiB | ${r.openSeconds.toFixed(0)} s | ${r.compressed} |`,
    );
  }
}
