// Measures what API-key authentication and request signing cost per request, on local workerd
// (Miniflare directly, without `wrangler dev`'s proxy), against the production bundle.
//
// Paths, alternated request by request (rotating order) so drift cancels out:
//   anonymous: GET /api/v1/market/__bench, no credentials          → limiter, 404
//   jwt:       the same with a JWT (HS256 verify + session cache)   → limiter, 404
//   api key:   the same with X-API-Key (SHA-256 + in-isolate cache) → limiter, 404
// and, for signing:
//   jwt get:    GET /api/v1/keys/{key_id} with the JWT (not signed)
//   signed get: the same with the API key, signed (HMAC + replay claim in the key's object)
// "Added" figures are medians of per-round paired differences. The signed path also reads the
// calling key's row from D1 (key-management calls check the caller's own restrictions), which
// the JWT path does not; that is part of what a signed key-management call costs.
//
// Usage: npm run bench:keys [-- --requests 500 --rounds 5]
import { createHmac } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { ROOT } from "../lib/local-server.mjs";
import { buildBundle, cliArgs, HIGH_LIMITS, startParapet } from "./lib.mjs";

const { arg: option } = cliArgs();
const arg = (name, fallback) => Number(option(name, fallback));
const REQUESTS = arg("requests", 500);
const ROUNDS = arg("rounds", 5);
const WARMUP = arg("warmup", 300);

console.error("building the production bundle (wrangler deploy --dry-run)…");
const bundle = buildBundle(join(ROOT, ".bench", "keys-bundle"));
const app = await startParapet({ script: bundle.script, quiet: true, vars: HIGH_LIMITS });
const { mf } = app;

const IP = { "CF-Connecting-IP": "198.51.100.7" };
async function send(path, init = {}) {
  const headers = { ...IP, ...(init.headers ?? {}) };
  const started = process.hrtime.bigint();
  const res = await mf.dispatchFetch(`http://localhost${path}`, { ...init, headers });
  const text = await res.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, status: res.status, text };
}

async function setup() {
  const json = { "content-type": "application/json" };
  const account = { email: `bench-${Date.now()}@bench.test`, password: "bench password 0123456789", role: "trader" };
  await send("/api/v1/auth/register", { method: "POST", headers: json, body: JSON.stringify(account) });
  const login = await send("/api/v1/auth/login", { method: "POST", headers: json, body: JSON.stringify(account) });
  const token = JSON.parse(login.text).access_token;
  const created = await send("/api/v1/keys", {
    method: "POST",
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: "bench", scopes: ["read:market"] }),
  });
  if (created.status !== 201) throw new Error(`key creation failed: ${created.status} ${created.text}`);
  const key = JSON.parse(created.text);
  return { token, key };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const summary = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99) };
};
const fmt = (n) => n.toFixed(3);

try {
  const { token, key } = await setup();
  const keyPath = `/api/v1/keys/${key.key_id}`;
  const signed = () => {
    const ts = String(Date.now());
    const sig = createHmac("sha256", key.api_secret).update(`${ts}GET${keyPath}`).digest("hex");
    return { "X-API-Key": key.api_key, "X-API-Timestamp": ts, "X-API-Signature": sig };
  };
  const paths = {
    anonymous: () => ["/api/v1/market/__bench", {}, 404],
    jwt: () => ["/api/v1/market/__bench", { authorization: `Bearer ${token}` }, 404],
    api_key: () => ["/api/v1/market/__bench", { "X-API-Key": key.api_key }, 404],
    jwt_get: () => [keyPath, { authorization: `Bearer ${token}` }, 200],
    signed_get: () => [keyPath, signed(), 200],
  };
  const names = Object.keys(paths);
  const run = async (name) => {
    const [path, headers, expected] = paths[name]();
    const r = await send(path, { headers });
    if (r.status !== expected) throw new Error(`${name}: expected ${expected}, got ${r.status} ${r.text}`);
    return r.ms;
  };
  for (let i = 0; i < WARMUP; i++) for (const name of names) await run(name);

  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const pairs = { api_key_vs_anonymous: [], jwt_vs_anonymous: [], api_key_vs_jwt: [], signed_vs_jwt_get: [] };
  const perRound = Object.fromEntries(Object.keys(pairs).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const roundPairs = Object.fromEntries(Object.keys(pairs).map((k) => [k, []]));
    for (let i = 0; i < REQUESTS; i++) {
      const order = names.map((_, j) => names[(i + j) % names.length]);
      const ms = {};
      for (const name of order) ms[name] = await run(name);
      for (const name of names) samples[name].push(ms[name]);
      roundPairs.api_key_vs_anonymous.push(ms.api_key - ms.anonymous);
      roundPairs.jwt_vs_anonymous.push(ms.jwt - ms.anonymous);
      roundPairs.api_key_vs_jwt.push(ms.api_key - ms.jwt);
      roundPairs.signed_vs_jwt_get.push(ms.signed_get - ms.jwt_get);
    }
    for (const k of Object.keys(pairs)) {
      pairs[k].push(...roundPairs[k]);
      perRound[k].push(summary(roundPairs[k]).p50);
    }
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
    requests_per_path: REQUESTS * ROUNDS,
    load_average: loadavg,
    paths_ms: Object.fromEntries(names.map((n) => [n, summary(samples[n])])),
    differences_ms: Object.fromEntries(Object.keys(pairs).map((k) => [k, summary(pairs[k])])),
    difference_p50_per_round_ms: perRound,
  };
  console.log(`API keys: cost per request (${ROUNDS} × ${REQUESTS} sequential rounds of every path)`);
  console.log(`machine: ${result.machine}; node ${result.node}; miniflare/workerd ${result.workerd}`);
  console.log(`load average after the run: ${loadavg}`);
  console.log("                          p50      p95      p99   (ms)");
  for (const [name, s] of [...Object.entries(result.paths_ms), ...Object.entries(result.differences_ms)]) {
    console.log(`${name.padEnd(22)} ${fmt(s.p50).padStart(8)} ${fmt(s.p95).padStart(8)} ${fmt(s.p99).padStart(8)}`);
  }
  for (const [name, rounds] of Object.entries(perRound)) {
    console.log(`${name} p50 per round: ${rounds.map(fmt).join(", ")} ms`);
  }
  writeFileSync(join(ROOT, ".bench", "api-keys.json"), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await app.stop();
}
