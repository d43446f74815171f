// Measures the portfolio's trading writes on local workerd (Miniflare directly, production
// bundle, fresh state), through the public API with JWTs:
//   sequential: one account opens and closes positions one after the other (latency per write)
//   one account, N at once: N concurrent opens on one account, queued by its TradingDesk
//   N accounts, 1 each: N concurrent opens on N accounts (desks run in parallel)
//   balance read with 0 and with 50 open positions (valued at live prices)
// Every write is checked (201/200, or the expected refusal), so a broken path cannot look fast.
// Local D1 is SQLite on this machine: absolute figures are far below production's D1 round
// trips; the shape (queueing cost per account, cost of valuing positions) is what carries over.
//
// Usage: npm run bench:portfolio [-- --writes 200 --burst 20] > /dev/null   (results on stderr)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../lib/local-server.mjs";
import { buildBundle, machine, startParapet } from "./lib.mjs";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const WRITES = arg("writes", 200);
const BURST = arg("burst", 20);

const HIGH = "100000";
const vars = {
  ...Object.fromEntries(
    ["JWT", "ANONYMOUS"].flatMap((t) => [
      [`RATE_LIMIT_${t}_PER_MINUTE`, HIGH],
      [`RATE_LIMIT_${t}_BURST`, HIGH],
    ]),
  ),
  RATE_LIMIT_TRADING_PER_SECOND: "10000",
  RATE_LIMIT_ACCOUNT_PER_SECOND: "10000",
  RATE_LIMIT_AUTH_PER_SECOND: "10000",
  RATE_LIMIT_MARKET_PER_SECOND: "10000",
};

console.error("building the production bundle (wrangler deploy --dry-run)…");
const bundle = buildBundle();
const server = await startParapet({ script: bundle.script, vars });
const { url } = server;

async function api(method, path, token, body) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = await res.json();
  return { status: res.status, body: json, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function account(email, role) {
  const password = "bench-password-0123456789";
  const reg = await api("POST", "/api/v1/auth/register", null, { email, password, ...(role ? { role } : {}) });
  if (reg.status !== 201) throw new Error(`register ${email}: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await api("POST", "/api/v1/auth/login", null, { email, password });
  if (login.status !== 200) throw new Error(`login ${email}: ${login.status}`);
  return login.body.access_token;
}

const expectStatus = (res, status, what) => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
};

const sorted = (values) => [...values].sort((a, b) => a - b);
const q = (s, p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
const stats = (values) => {
  const s = sorted(values);
  return { n: s.length, p50: q(s, 0.5), p95: q(s, 0.95), max: s[s.length - 1] };
};
const fmt = (n) => n.toFixed(1);
// The Worker's own request logs go to stdout; the results go to stderr and .bench/portfolio.md.
const out = [];
const print = (line) => out.push(line);
const row = (name, s, extra = "") =>
  print(`| ${name} | ${s.n} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.max)} | ${extra} |`);

try {
  const admin = await account("admin@bench.test");
  const symbol = "BENCH-USDT";
  expectStatus(
    await api("POST", "/api/v1/market/ingest", admin, {
      exchange: "binance",
      trades: [{ symbol, price: "100", size: "1", timestamp: new Date().toISOString() }],
    }),
    202,
    "ingest",
  );

  // Sequential writes on one account (each open is closed again, so no cap is reached).
  const seq = await account("seq@bench.test", "trader");
  expectStatus(await api("GET", "/api/v1/portfolio/balance", seq), 200, "first balance");
  for (let i = 0; i < 20; i++) {
    const o = expectStatus(
      await api("POST", "/api/v1/portfolio/positions", seq, { symbol, size: "1", type: "long" }),
      201,
      "warm open",
    );
    expectStatus(await api("DELETE", `/api/v1/portfolio/positions/${o.body.position_id}`, seq), 200, "warm close");
  }
  const opens = [];
  const closes = [];
  for (let i = 0; i < WRITES / 2; i++) {
    const o = expectStatus(
      await api("POST", "/api/v1/portfolio/positions", seq, { symbol, size: "1", type: "long" }),
      201,
      "open",
    );
    opens.push(o.ms);
    const c = expectStatus(await api("DELETE", `/api/v1/portfolio/positions/${o.body.position_id}`, seq), 200, "close");
    closes.push(c.ms);
  }

  // One account, BURST opens at once: 1 × 100 margin each, all fit.
  const burster = await account("burst@bench.test", "trader");
  const warm = expectStatus(
    await api("POST", "/api/v1/portfolio/positions", burster, { symbol, size: "1", type: "long" }),
    201,
    "warm",
  );
  expectStatus(await api("DELETE", `/api/v1/portfolio/positions/${warm.body.position_id}`, burster), 200, "warm close");
  const burstStarted = performance.now();
  const burst = await Promise.all(
    Array.from({ length: BURST }, () =>
      api("POST", "/api/v1/portfolio/positions", burster, { symbol, size: "1", type: "short" }),
    ),
  );
  const burstWall = performance.now() - burstStarted;
  for (const r of burst) expectStatus(r, 201, "burst open");

  // BURST accounts, one open each, at once.
  const many = [];
  for (let i = 0; i < BURST; i++) many.push(await account(`many${i}@bench.test`, "trader"));
  // Warm each account's ledger and desk (a desk's first call also creates its object).
  for (const t of many) {
    const o = expectStatus(
      await api("POST", "/api/v1/portfolio/positions", t, { symbol, size: "1", type: "long" }),
      201,
      "warm",
    );
    expectStatus(await api("DELETE", `/api/v1/portfolio/positions/${o.body.position_id}`, t), 200, "warm close");
  }
  const manyStarted = performance.now();
  const spread = await Promise.all(
    many.map((t) => api("POST", "/api/v1/portfolio/positions", t, { symbol, size: "1", type: "long" })),
  );
  const manyWall = performance.now() - manyStarted;
  for (const r of spread) expectStatus(r, 201, "spread open");

  // Balance reads: no open positions, then 50 (the default cap), all valued at the live price.
  const reader = await account("reader@bench.test", "trader");
  const read = async () => {
    const times = [];
    for (let i = 0; i < 100; i++)
      times.push(expectStatus(await api("GET", "/api/v1/portfolio/balance", reader), 200, "balance").ms);
    return stats(times);
  };
  const empty = await read();
  for (let i = 0; i < 50; i++) {
    expectStatus(
      await api("POST", "/api/v1/portfolio/positions", reader, { symbol, size: "1", type: "long" }),
      201,
      "fill",
    );
  }
  expectStatus(
    await api("POST", "/api/v1/portfolio/positions", reader, { symbol, size: "1", type: "long" }),
    422,
    "cap",
  );
  const full = await read();
  const list = [];
  for (let i = 0; i < 100; i++)
    list.push(expectStatus(await api("GET", "/api/v1/portfolio/positions", reader), 200, "list").ms);

  print(`${machine()}; bundle ${(bundle.bytes / 1024).toFixed(0)} KiB`);
  print("");
  print("| case | requests | p50 ms | p95 ms | max ms | notes |");
  print("|---|---|---|---|---|---|");
  row("open (sequential, one account)", stats(opens));
  row("close (sequential, one account)", stats(closes));
  row(
    `${BURST} opens at once, one account`,
    stats(burst.map((r) => r.ms)),
    `all done in ${fmt(burstWall)} ms (queued by its desk)`,
  );
  row(`${BURST} opens at once, ${BURST} accounts`, stats(spread.map((r) => r.ms)), `all done in ${fmt(manyWall)} ms`);
  row("balance, 0 open positions", empty);
  row("balance, 50 open positions", full);
  row("list positions, 50 open", stats(list));
  mkdirSync(join(ROOT, ".bench"), { recursive: true });
  writeFileSync(join(ROOT, ".bench", "portfolio.md"), `${out.join("\n")}\n`);
  process.stderr.write(`\n${out.join("\n")}\n`);
} finally {
  await server.stop();
}
