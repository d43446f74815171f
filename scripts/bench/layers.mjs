// Bisects the price read's cost by layer: bench-only variants of the production bundle with one
// or more middleware layers switched off (by patching the unminified bundle text; a patch whose
// anchor is missing fails loudly, so a variant can never silently measure the full chain), each
// on its own workerd next to the baseline Worker, driven in interleaved rounds. Reports req/s,
// p50/p95 and the workerd process's CPU time per request (user + system over all its threads,
// from /proc: CPU-only stages cannot time themselves inside workerd).
//
// Usage: npm run bench:layers [-- --variants full,log,audit,limiter,observe+audit+limiter --duration 4 --rounds 3]
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../lib/local-server.mjs";
import {
  BENCH_SECRETS,
  buildBundle,
  cliArgs,
  HIGH_LIMITS,
  load,
  loadAverage,
  machine,
  postJson,
  signIn,
  startBaseline,
  startParapet,
} from "./lib.mjs";

const { arg } = cliArgs();
const PICK = arg("variants", "full,log,audit,limiter,metrics,observe+audit+limiter").split(",");
const DURATION = Number(arg("duration", 4));
const ROUNDS = Number(arg("rounds", 3));
const PATH = "/api/v1/market/price/BTC-USDT";

/** Layer → [text in the unminified bundle, replacement that switches it off]. */
const LAYERS = {
  observe: ['app2.use("*", observe());', ";"],
  audit: ['app2.use("*", auditRequests());', ";"],
  log: ['logger.info("request", fields);', ";"],
  // Only the console write of every log line (the line is still built and redacted).
  console: ["  else console.log(line);", "  else void line;"],
  metrics: [
    "recordRequest(c.env, waiter, { method: c.req.method, route:",
    "false && recordRequest(c.env, waiter, { method: c.req.method, route:",
  ],
  limiter: [
    "return await Promise.race([stub.check(plan.input), timeout]);",
    "return { allowed: true, limit: 1, remaining: 1, reset: 1, retryAfter: 0, refusedBy: null, code: null };",
  ],
};

/** Descendant workerd processes of this one. */
function workerdPids() {
  const rows = execFileSync("ps", ["-eo", "pid,ppid,comm"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm }));
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) {
      if (!mine.has(r.pid) && mine.has(r.ppid)) {
        mine.add(r.pid);
        grew = true;
      }
    }
  }
  return rows.filter((r) => mine.has(r.pid) && r.comm.includes("workerd")).map((r) => r.pid);
}

/** CPU time (ms, user + system, all threads) of a process. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
}

const bundle = buildBundle(join(ROOT, ".bench", "layers-dist"), { minify: false });
const source = readFileSync(bundle.script, "utf8");

async function start(variant) {
  const before = new Set(workerdPids());
  let server;
  if (variant === "baseline") server = await startBaseline();
  else {
    let text = source;
    for (const layer of variant === "full" ? [] : variant.split("+")) {
      const [from, to] = LAYERS[layer] ?? [];
      if (!from || !text.includes(from)) throw new Error(`variant ${variant}: cannot switch off "${layer}"`);
      text = text.replace(from, to);
    }
    const dir = join(ROOT, ".bench", `layers-${variant.replaceAll("+", "_")}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "index.js"), text);
    server = await startParapet({ script: join(dir, "index.js"), vars: HIGH_LIMITS, quiet: true });
    const admin = await signIn(server.url, BENCH_SECRETS.ADMIN_EMAILS);
    await postJson(
      server.url,
      "/api/v1/market/ingest",
      {
        exchange: "binance",
        trades: [{ symbol: "BTC-USDT", price: "65000.10", size: "1", timestamp: new Date().toISOString() }],
      },
      { authorization: `Bearer ${admin}` },
    );
  }
  server.pid = workerdPids().find((pid) => !before.has(pid));
  return server;
}

const names = ["baseline", ...PICK];
const servers = {};
const results = {};
try {
  for (const name of names) servers[name] = await start(name);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const server = servers[name];
      const path = name === "baseline" ? "/" : PATH;
      if (round === 0) await load({ url: server.url, path, duration: 1 });
      const cpu0 = cpuMs(server.pid);
      const r = await load({ url: server.url, path, duration: DURATION });
      await new Promise((resolve) => setTimeout(resolve, 300)); // let waitUntil work finish
      const cpu = cpuMs(server.pid) - cpu0;
      const non2xx = r.total - (r.statusCounts["200"] ?? 0);
      results[name] = results[name] ?? [];
      results[name].push({ rps: r.rps, p50: r.p50, p95: r.p95, cpuUs: (cpu * 1000) / r.total, non2xx });
    }
  }
} finally {
  for (const server of Object.values(servers)) await server.stop();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `Machine: ${machine()}; load average at the end ${loadAverage().toFixed(1)}; ${ROUNDS} rounds × ${DURATION} s, 50 connections.\n`,
);
console.log("| variant (layers switched off) | req/s | p50 ms | p95 ms | workerd CPU µs/request | non-2xx |");
console.log("| --- | --: | --: | --: | --: | --: |");
for (const name of names) {
  const rs = results[name];
  console.log(
    `| ${name} | ${median(rs.map((r) => r.rps)).toFixed(0)} | ${median(rs.map((r) => r.p50)).toFixed(1)} | ${median(rs.map((r) => r.p95)).toFixed(1)} | ${median(rs.map((r) => r.cpuUs)).toFixed(0)} | ${rs.reduce((n, r) => n + r.non2xx, 0)} |`,
  );
}
