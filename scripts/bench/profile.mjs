// CPU profile of the production bundle under load, from workerd's own inspector (node's
// --cpu-prof cannot see inside workerd). Starts the bundle on Miniflare with an inspector port,
// attaches to every target it lists (the Worker and the Durable Object / D1 services), runs one
// load scenario, and prints where the samples went: per target, and the heaviest functions by
// self time. Each profile is saved as .bench/profile-<target>.cpuprofile (open it in Chrome
// DevTools, Performance tab).
//
// Usage: npm run bench:profile [-- --path /api/v1/market/price/BTC-USDT --auth key|jwt|none --duration 5]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import WebSocket from "ws";
import { parseCandleCsv, postCandles } from "../lib/candles.mjs";
import { ROOT } from "../lib/local-server.mjs";
import { BENCH_SECRETS, buildBundle, cliArgs, HIGH_LIMITS, load, postJson, signIn, startParapet } from "./lib.mjs";

const { arg } = cliArgs();
const PATH = arg("path", "/api/v1/market/price/BTC-USDT");
const AUTH = arg("auth", "key");
const DURATION = Number(arg("duration", 5));
const TOP = Number(arg("top", 25));

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** A minimal Chrome DevTools Protocol client over one target's WebSocket. */
async function attach(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, (msg) => (msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result)));
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** Self time per function (ms) of a CPU profile, heaviest first. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const interval = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const totals = new Map();
  for (const [id, n] of counts) {
    const f = byId.get(id).callFrame;
    const name =
      `${f.functionName || "(anonymous)"} ${f.url ? `${f.url.split("/").pop()}:${f.lineNumber + 1}` : ""}`.trim();
    totals.set(name, (totals.get(name) ?? 0) + n * interval);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

const inspectorPort = await freePort();
// Not minified, so that the profile names functions (the same code otherwise).
const bundle = buildBundle(join(ROOT, ".bench", "profile-dist"), { minify: false });
const app = await startParapet({ script: bundle.script, quiet: true, vars: HIGH_LIMITS, inspectorPort });
try {
  const admin = await signIn(app.url, BENCH_SECRETS.ADMIN_EMAILS);
  const rows = parseCandleCsv(readFileSync(join(ROOT, "data", "candles", "BTCUSDT-1d.csv"), "utf8"));
  await postCandles({ url: app.url, token: admin, symbol: "BTC-USDT", interval: "1d", rows });
  const trader = await signIn(app.url, "trader@bench.test", { role: "trader" });
  const key = await postJson(
    app.url,
    "/api/v1/keys",
    { name: "profile", scopes: ["read:market", "read:analysis"] },
    { authorization: `Bearer ${trader}` },
  );
  const headers =
    AUTH === "key" ? { "X-API-Key": key.api_key } : AUTH === "jwt" ? { authorization: `Bearer ${trader}` } : {};
  await load({ url: app.url, path: PATH, headers, duration: 2 }); // warm every isolate
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const sessions = [];
  for (const t of targets) {
    const s = await attach(t.webSocketDebuggerUrl);
    await s.send("Profiler.enable");
    await s.send("Profiler.setSamplingInterval", { interval: 200 });
    await s.send("Profiler.start");
    sessions.push({ title: t.title ?? t.id, s });
  }
  const result = await load({ url: app.url, path: PATH, headers, duration: DURATION });
  console.log(
    `${PATH} (${AUTH}): ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, ${result.total} requests`,
  );
  mkdirSync(join(ROOT, ".bench"), { recursive: true });
  for (const { title, s } of sessions) {
    const { profile } = await s.send("Profiler.stop");
    s.close();
    const busy = selfTimes(profile).filter(([name]) => !/^\((idle|program|garbage collector)\)/.test(name));
    const total = busy.reduce((sum, [, ms]) => sum + ms, 0);
    const gc = selfTimes(profile).find(([name]) => name.startsWith("(garbage collector)"))?.[1] ?? 0;
    const program = selfTimes(profile).find(([name]) => name.startsWith("(program)"))?.[1] ?? 0;
    const safe = title.replace(/[^a-z0-9]+/gi, "-").slice(0, 40);
    writeFileSync(join(ROOT, ".bench", `profile-${safe}.cpuprofile`), JSON.stringify(profile));
    console.log(
      `\n## ${title}: JS ${total.toFixed(0)} ms, GC ${gc.toFixed(0)} ms, (program) ${program.toFixed(0)} ms over ${DURATION} s → ${((total + gc) / result.total).toFixed(3)} ms JS+GC per request`,
    );
    for (const [name, ms] of busy.slice(0, TOP)) console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
  }
} finally {
  await app.stop();
}
