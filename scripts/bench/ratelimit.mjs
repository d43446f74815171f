// Measures the latency the rate limiter adds to one request, on local workerd (Miniflare
// directly, without `wrangler dev`'s proxy), against the production bundle.
//
// Two paths through the same bundle, alternated request by request so drift cancels out:
//   plain:   GET /__bench              → every global middleware, then 404 (no limiter)
//   limited: GET /api/v1/market/__bench → the same, plus authenticate (no credentials) and the
//            rate limiter (one RPC to the caller's warm Durable Object: minute bucket + market
//            cap, written through to SQLite), then 404
// The difference of the two is the limiter's cost per request. Limits are raised so that no
// request is refused (a refusal would be cheaper and flatter the figure). The run is split into
// rounds; on a shared machine the best round is the one least disturbed by other processes,
// and both it and the whole run are reported.
//
// Usage: npm run bench:ratelimit [-- --requests 1000 --rounds 5]
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { ROOT } from "../lib/local-server.mjs";
import { buildBundle, cliArgs, startParapet } from "./lib.mjs";

const { arg: option } = cliArgs();
const arg = (name, fallback) => Number(option(name, fallback));
const REQUESTS = arg("requests", 1000);
const ROUNDS = arg("rounds", 5);
const WARMUP = arg("warmup", 500);

console.error("building the production bundle (wrangler deploy --dry-run)…");
const bundle = buildBundle(join(ROOT, ".bench", "ratelimit-bundle"));
const app = await startParapet({
  script: bundle.script,
  quiet: true,
  vars: {
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: "100000",
    RATE_LIMIT_ANONYMOUS_BURST: "100000",
    RATE_LIMIT_MARKET_PER_SECOND: "10000",
  },
});
const { mf } = app;

const headers = { "CF-Connecting-IP": "198.51.100.7" };
async function timed(path) {
  const started = process.hrtime.bigint();
  const res = await mf.dispatchFetch(`http://localhost${path}`, { headers });
  await res.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, res };
}

function check(res, path, limited) {
  const hasHeaders = res.headers.get("X-RateLimit-Remaining") !== null;
  if (res.status !== 404 || hasHeaders !== limited) {
    throw new Error(
      `${path}: unexpected ${res.status}, X-RateLimit-Remaining=${res.headers.get("X-RateLimit-Remaining")}`,
    );
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const summary = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99) };
};
const fmt = (n) => n.toFixed(3);

try {
  for (let i = 0; i < WARMUP; i++) {
    check((await timed("/__bench")).res, "/__bench", false);
    check((await timed("/api/v1/market/__bench")).res, "/api/v1/market/__bench", true);
  }
  const plain = [];
  const limited = [];
  const diffs = [];
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const roundDiffs = [];
    for (let i = 0; i < REQUESTS; i++) {
      // Alternate which path goes first so neither gets a systematic warm-cache advantage.
      const order = i % 2 === 0 ? ["/__bench", "/api/v1/market/__bench"] : ["/api/v1/market/__bench", "/__bench"];
      const results = {};
      for (const path of order) {
        const { ms, res } = await timed(path);
        check(res, path, path !== "/__bench");
        results[path] = ms;
      }
      plain.push(results["/__bench"]);
      limited.push(results["/api/v1/market/__bench"]);
      roundDiffs.push(results["/api/v1/market/__bench"] - results["/__bench"]);
    }
    diffs.push(...roundDiffs);
    rounds.push(summary(roundDiffs).p50);
  }
  const loadavg = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
  const result = {
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
    node: process.version,
    workerd: JSON.parse(readFileSync(join(ROOT, "node_modules", "miniflare", "package.json"), "utf8")).version,
    requests: REQUESTS * ROUNDS,
    load_average: loadavg,
    plain_ms: summary(plain),
    limited_ms: summary(limited),
    added_ms: summary(diffs),
    added_p50_per_round_ms: rounds,
    added_p50_best_round_ms: Math.min(...rounds),
  };
  console.log(`rate limiter: added latency per request (${ROUNDS} × ${REQUESTS} sequential pairs, warm object)`);
  console.log(`machine: ${result.machine}; node ${result.node}; miniflare/workerd ${result.workerd}`);
  console.log(`load average after the run: ${loadavg}`);
  console.log("                    p50      p95      p99   (ms)");
  for (const [name, s] of [
    ["without limiter", result.plain_ms],
    ["with limiter", result.limited_ms],
    ["added (paired)", result.added_ms],
  ]) {
    console.log(`${name.padEnd(16)} ${fmt(s.p50).padStart(8)} ${fmt(s.p95).padStart(8)} ${fmt(s.p99).padStart(8)}`);
  }
  console.log(`added p50 per round: ${rounds.map(fmt).join(", ")} ms (best ${fmt(result.added_p50_best_round_ms)})`);
  writeFileSync(join(ROOT, ".bench", "ratelimit.json"), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await app.stop();
}
