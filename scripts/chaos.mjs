#!/usr/bin/env node
// Crash recovery (`npm run chaos`): starts `wrangler dev` on a persisted state directory, runs
// mixed load (reads, signed trades with Idempotency-Key retries, market ingest, Solana webhook
// batches), SIGKILLs wrangler and workerd mid-run, restarts on the same state, retries what got
// no answer (as a careful client would), then verifies: every ledger balance = start + realised
// PnL (and margin_used = Σ open margins), no duplicate positions for idempotent retries, the
// audit chain verifies, and every accepted webhook event is stored. Also measures how many
// answered requests' audit entries the kill lost (README: an isolate killed outright loses what
// it buffered in the last 100 ms). Exit code 1 when a verdict fails.
//
// Usage: npm run chaos [-- --load-ms 12000 --kill-after-ms 8000]
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import bs58 from "bs58";
import { actions, dec, fmtDec, sleep } from "./lib/chaos-actions.mjs";
import { startLocalServer, wrangler } from "./lib/local-server.mjs";

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const KILL_AFTER_MS = arg("kill-after-ms", 8000);
const TRADERS = arg("traders", 3);
// The largest limits the configuration accepts: this run measures recovery, not throttling.
const HIGH = "100000";
const HIGH_PER_SECOND = "10000";
const WEBHOOK_SECRET = "chaos-webhook-secret-0123456789";
const VARS = {
  ENFORCE_HTTPS: "false",
  JWT_ALG: "HS256",
  JWT_SECRET: "chaos-only-jwt-secret-0123456789abcdef0123456789",
  ENCRYPTION_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  ADMIN_EMAILS: "admin@chaos.test",
  SOLANA_WEBHOOK_SECRET: WEBHOOK_SECRET,
  RATE_LIMIT_SUSPEND_AFTER: HIGH_PER_SECOND,
  ...Object.fromEntries(
    ["ANONYMOUS", "JWT", "BASIC", "PREMIUM", "ENTERPRISE", "WEBHOOK"].flatMap((t) => [
      [`RATE_LIMIT_${t}_PER_MINUTE`, HIGH],
      [`RATE_LIMIT_${t}_BURST`, HIGH],
    ]),
  ),
  ...Object.fromEntries(
    ["MARKET", "TRADING", "ACCOUNT", "TOKEN", "AUTH"].map((c) => [`RATE_LIMIT_${c}_PER_SECOND`, HIGH_PER_SECOND]),
  ),
};
const log = (line) => console.error(`[chaos] ${line}`);

let server = await startLocalServer({ vars: VARS });
log(`server on ${server.url}, state in ${server.persistTo}`);

/** One HTTP call; `null` when the server did not answer (connection refused or reset). */
async function call(method, path, { token, key, body, headers = {} } = {}) {
  const raw = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const h = { ...headers, ...(raw ? { "content-type": "application/json" } : {}) };
  if (token) h.authorization = `Bearer ${token}`;
  if (key) {
    const ts = String(Date.now());
    h["X-API-Key"] = key.api_key;
    h["X-API-Timestamp"] = ts;
    h["X-API-Signature"] = createHmac("sha256", key.api_secret).update(`${ts}${method}${path}${raw}`).digest("hex");
  }
  try {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: h,
      ...(raw ? { body: raw } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = { text: text.slice(0, 200) };
    }
    return { status: res.status, body: parsed, requestId: res.headers.get("x-request-id") };
  } catch {
    return null;
  }
}

const expectOk = (res, what) => {
  if (!res || res.status >= 300) throw new Error(`${what}: ${res?.status} ${JSON.stringify(res?.body)}`);
  return res.body;
};

// ---- setup: an admin, traders with signing keys, three symbols with prices ----
async function account(email) {
  const password = `chaos-password-${randomUUID()}`;
  expectOk(await call("POST", "/api/v1/auth/register", { body: { email, password, role: "trader" } }), email);
  return expectOk(await call("POST", "/api/v1/auth/login", { body: { email, password } }), email).access_token;
}
const admin = await account("admin@chaos.test");
const symbols = ["CHAOSA-USDT", "CHAOSB-USDT", "CHAOSC-USDT"];
const price = Object.fromEntries(symbols.map((s) => [s, 100]));
const ingestPrices = () =>
  call("POST", "/api/v1/market/ingest", {
    token: admin,
    body: {
      exchange: "binance",
      trades: symbols.map((symbol) => {
        price[symbol] = Math.max(1, price[symbol] * (1 + (Math.random() - 0.5) / 20));
        return { symbol, price: price[symbol].toFixed(4), size: "1", timestamp: new Date().toISOString() };
      }),
    },
  });
expectOk(await ingestPrices(), "first prices");
const traders = [];
for (let i = 0; i < TRADERS; i++) {
  const token = await account(`trader${i}@chaos.test`);
  const start = expectOk(await call("GET", "/api/v1/portfolio/balance", { token }), "balance").balance;
  const key = expectOk(
    await call("POST", "/api/v1/keys", {
      token,
      body: { name: "chaos", scopes: ["read:market", "read:portfolio", "write:trading"] },
    }),
    "key",
  );
  traders.push({ token, key, start, open: [] });
}
const mint = bs58.encode(randomBytes(32));
const state = { answered: [], ops: [], deliveries: [], accepted: new Set(), stop: false, t0: Date.now() };
const ctx = { call, traders, symbols, mint, admin, state, ingestPrices, WEBHOOK_SECRET };

// ---- load, then SIGKILL mid-run ----
log(`load: ${TRADERS} traders, readers, ingest and webhook; SIGKILL after ${KILL_AFTER_MS} ms`);
const workers = [
  ...traders.map((t) => actions.trader(ctx, t)),
  actions.reader(ctx),
  actions.reader(ctx),
  actions.ingester(ctx),
  actions.webhook(ctx),
];
await sleep(KILL_AFTER_MS);
await server.kill();
const killedAt = Date.now();
state.stop = true;
await Promise.all(workers);
const answeredBeforeKill = state.answered.filter((a) => a.at <= killedAt);
const unanswered = state.ops.filter((op) => op.answers.length === 0).length;
const pendingDeliveries = state.deliveries.filter((d) => !d.answered).length;
log(
  `killed: ${state.ops.length} trading ops (${unanswered} unanswered), ${state.deliveries.length} webhook deliveries (${pendingDeliveries} unanswered)`,
);

// ---- restart on the same state; retry what got no answer ----
const port = Number(new URL(server.url).port);
server = await startLocalServer({ vars: VARS, persistTo: server.persistTo, port });
log(`restarted on ${server.url}`);
await actions.retryAll(ctx);
// A little load after the restart, so the verdicts cover a serving system, not a frozen one.
state.stop = false;
const after = [actions.reader(ctx), ...traders.map((t) => actions.trader(ctx, t, 5))];
await sleep(2000);
state.stop = true;
await Promise.all(after);
await actions.retryAll(ctx);
await sleep(1500); // the audit pipeline flushes within 100 ms; leave it ample time

// ---- verify ----
const verdicts = [];
const verdict = (name, ok, detail) => {
  verdicts.push({ name, ok, detail });
  log(`${ok ? "PASS" : "FAIL"} ${name}: ${detail}`);
};
for (const [i, t] of traders.entries()) {
  const balance = expectOk(await call("GET", "/api/v1/portfolio/balance", { token: t.token }), "balance");
  const closed = await actions.listAll(ctx, t, "closed");
  const open = await actions.listAll(ctx, t, "open");
  const pnl = closed.reduce((sum, p) => sum + dec(p.pnl), 0n);
  const margin = open.reduce((sum, p) => sum + dec(p.margin), 0n);
  const ok =
    dec(balance.balance) === dec(t.start) + pnl &&
    dec(balance.margin_used) === margin &&
    dec(balance.available) === dec(balance.balance) - margin;
  verdict(
    `trader ${i} ledger`,
    ok,
    `balance ${balance.balance} = ${t.start} + Σpnl ${fmtDec(pnl)} over ${closed.length} closed; margin_used ${balance.margin_used} = Σ ${open.length} open margins ${fmtDec(margin)}`,
  );
  const ids = new Set([...closed, ...open].map((p) => p.position_id));
  const opens = state.ops.filter((op) => op.trader === t && op.kind === "open");
  const created = opens.filter((op) => op.answers.some((a) => a.status === 201));
  const perKey = created.map(
    (op) => new Set(op.answers.filter((a) => a.status === 201).map((a) => a.body.position_id)),
  );
  const multi = perKey.filter((s) => s.size !== 1).length;
  const unknown = [...ids].filter((id) => !perKey.some((s) => s.has(id))).length;
  verdict(
    `trader ${i} idempotency`,
    multi === 0 && unknown === 0 && ids.size === created.length,
    `${created.length} keyed opens answered 201 (${opens.filter((op) => op.answers.length > 1).length} retried), ${ids.size} positions stored, ${multi} keys with several ids, ${unknown} positions no client created`,
  );
}
let cursor = null;
let checked = 0;
let chainOk = true;
do {
  const page = expectOk(
    await call("GET", `/api/v1/admin/audit/verify?limit=1000${cursor ? `&cursor=${cursor}` : ""}`, { token: admin }),
    "verify",
  );
  chainOk &&= page.valid === true;
  checked += page.checked;
  cursor = page.next_cursor;
} while (cursor);
verdict("audit chain", chainOk, `${checked} entries checked`);
await server.stop();
const query = (sql) =>
  JSON.parse(
    wrangler(["d1", "execute", "DB", "--local", "--persist-to", server.persistTo, "--json", "--command", sql]),
  )[0].results;
const stored = new Set(query("SELECT DISTINCT signature FROM solana_transfers").map((r) => r.signature));
const lost = [...state.accepted].filter((s) => !stored.has(s));
verdict("webhook events", lost.length === 0, `${state.accepted.size} accepted signatures, ${lost.length} missing`);
const audited = new Set(
  query("SELECT request_id FROM audit_log WHERE request_id IS NOT NULL").map((r) => r.request_id),
);
const missing = answeredBeforeKill.filter((a) => !audited.has(a.requestId));
const afterKill = state.answered.filter((a) => a.at > killedAt);
const missingAfter = afterKill.filter((a) => !audited.has(a.requestId));
log(
  `audit entries: ${missing.length} of ${answeredBeforeKill.length} requests answered before the kill have none (measured, not a verdict); ${missingAfter.length} of ${afterKill.length} after the restart`,
);
const summary = {
  kill_after_ms: KILL_AFTER_MS,
  traders: TRADERS,
  trading_ops: state.ops.length,
  unanswered_at_kill: unanswered,
  retried_ops: state.ops.filter((op) => op.answers.length > 1 || op.retried).length,
  webhook_deliveries: state.deliveries.length,
  webhook_unanswered_at_kill: pendingDeliveries,
  accepted_signatures: state.accepted.size,
  answered_requests: state.answered.length,
  audit_missing_before_kill: missing.length,
  audit_missing_after_restart: missingAfter.length,
  verdicts,
};
console.log(JSON.stringify(summary, null, 2));
process.exit(verdicts.every((v) => v.ok) ? 0 : 1);
