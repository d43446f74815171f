#!/usr/bin/env node
// The idempotent demo seed, run by `npm start` once the server answers (or alone:
// `node scripts/seed.mjs http://localhost:8787`). It talks to the running Worker over HTTP, so
// it exercises the same code paths as any client. Each capability adds its step to STEPS.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { join } from "node:path";
import { loadCandleDir } from "./lib/candles.mjs";
import { ROOT } from "./lib/local-server.mjs";

const CREDENTIALS = join(ROOT, ".demo-credentials.json");

/** Demo state kept between runs (0600, git-ignored): generated passwords and what was created. */
function loadState() {
  return existsSync(CREDENTIALS) ? JSON.parse(readFileSync(CREDENTIALS, "utf8")) : {};
}

function saveState(state) {
  writeFileSync(CREDENTIALS, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(CREDENTIALS, 0o600);
}

/** POSTs JSON to the API; resolves to `{ status, body }` (body null when not JSON). */
async function postJson(url, path, body, headers = {}) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: null };
  }
}

const tokens = new Map();

/**
 * Logs in a seeded account (`who`: "admin" | "trader") and returns an access token, reused
 * while it has more than a minute left. Other seed steps call this to act as those accounts.
 */
export async function accessToken(url, state, who) {
  const account = state.accounts?.[who];
  if (!account) throw new Error(`no seeded "${who}" account: the "accounts" step must run first`);
  const cached = tokens.get(`${url} ${who}`);
  if (cached && cached.expiresAt - Date.now() > 60_000) return cached.token;
  const res = await postJson(url, "/api/v1/auth/login", { email: account.email, password: account.password });
  if (res.status !== 200) {
    throw new Error(`login as ${who} (${account.email}) failed: ${res.status} ${res.body?.error?.code ?? ""}`);
  }
  tokens.set(`${url} ${who}`, { token: res.body.access_token, expiresAt: Date.parse(res.body.expires_at) });
  return res.body.access_token;
}

/** Makes sure `who` exists with the password kept in `state`, creating it on first run. */
async function ensureAccount({ url, state, log }, who, email, role) {
  state.accounts ??= {};
  const known = state.accounts[who]?.email === email ? state.accounts[who] : null;
  if (known) {
    const login = await postJson(url, "/api/v1/auth/login", { email, password: known.password });
    if (login.status === 200) return;
  }
  // First run, or the local database was reset since: (re)create it with the kept password.
  const password = known?.password ?? randomBytes(18).toString("base64url");
  const res = await postJson(url, "/api/v1/auth/register", { email, password, ...(role === "trader" ? { role } : {}) });
  if (res.status === 409) {
    throw new Error(
      `${email} exists but its password is not in .demo-credentials.json: restore that file, or reset the local database (delete .wrangler/state)`,
    );
  }
  if (res.status !== 201) throw new Error(`registering ${email} failed: ${res.status} ${res.body?.error?.code ?? ""}`);
  if (res.body.role !== role) {
    throw new Error(`${email} got the role ${res.body.role}, not ${role}: is it the first address in ADMIN_EMAILS?`);
  }
  state.accounts[who] = { email, password };
  if (!known) log(`created the ${who} account: ${email} / ${password} (kept in .demo-credentials.json)`);
}

const DEMO_KEY_SCOPES = [
  "read:market",
  "read:analysis",
  "read:tokens",
  "read:portfolio",
  "write:trading",
  "write:monitor",
];

/**
 * A demo API key for the trader, made once. Its key and secret are printed that one time (the
 * server keeps only a hash and a ciphertext); the seed state remembers only the key id.
 * @param {SeedContext} ctx
 */
async function seedApiKey({ url, state, log }) {
  const token = await accessToken(url, state, "trader");
  const authorization = `Bearer ${token}`;
  if (state.apiKey?.key_id) {
    const res = await fetch(`${url}/api/v1/keys/${state.apiKey.key_id}`, { headers: { authorization } });
    if (res.status === 200 && (await res.json()).status === "active") return;
  }
  const res = await postJson(url, "/api/v1/keys", { name: "demo (seed)", scopes: DEMO_KEY_SCOPES }, { authorization });
  if (res.status !== 201)
    throw new Error(`creating the demo API key failed: ${res.status} ${res.body?.error?.code ?? ""}`);
  const { key_id, api_key, api_secret } = res.body;
  state.apiKey = { key_id };
  log(`created a demo API key for the trader (${key_id}); shown only now, not stored anywhere:`);
  log(`  API_KEY=${api_key}`);
  log(`  API_SECRET=${api_secret}`);
  log(`  curl -s ${url}/api/v1/me -H "X-API-Key: $API_KEY"`);
  log('  signed (key management, portfolio writes): see README, "API keys and request signing"');
  log(
    `  TS=$(node -p 'Date.now()'); SIG=$(printf '%s' "\${TS}GET/api/v1/keys" | openssl dgst -sha256 -hmac "$API_SECRET" | sed 's/^.* //'); curl -s ${url}/api/v1/keys -H "X-API-Key: $API_KEY" -H "X-API-Timestamp: $TS" -H "X-API-Signature: $SIG"`,
  );
}

/** Real mints the demo trader monitors: USDC and wrapped SOL. No transfers or prices are invented. */
const DEMO_MINTS = ["EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "So11111111111111111111111111111111111111112"];

/**
 * Solana monitoring: the trader monitors USDC and wSOL every 5 minutes (monitoring again keeps
 * the ids, so this is safe to repeat). Data arrives from a webhook or `SOLANA_RPC_URL`.
 * @param {SeedContext} ctx
 */
async function seedSolana({ url, state, log }) {
  const token = await accessToken(url, state, "trader");
  const res = await postJson(
    url,
    "/api/v1/monitor",
    { token_addresses: DEMO_MINTS, update_interval: 300 },
    { authorization: `Bearer ${token}` },
  );
  if (res.status !== 201)
    throw new Error(`monitoring the demo mints failed: ${res.status} ${res.body?.error?.code ?? ""}`);
  if (state.solana?.monitoring_ids?.join() !== res.body.monitoring_ids.join()) {
    log(`the trader monitors USDC and wSOL (${res.body.monitoring_ids.join(", ")}): GET ${url}/api/v1/monitor`);
  }
  state.solana = { monitoring_ids: res.body.monitoring_ids };
}

/**
 * Seed steps, in order. Each gets `{ url, vars, state, log }`, may call the API, may record
 * what it created in `state`, and must be safe to run again.
 */
// biome-ignore format: one step per line keeps each capability's addition a one-line merge.
export const STEPS = [
  { name: "accounts", run: seedAccounts },
  { name: "candles", run: seedCandles },
  { name: "api-key", run: seedApiKey },
  { name: "models", run: seedModels },
  { name: "solana", run: seedSolana },
];

/**
 * @typedef {{ url: string, vars: Record<string, string>, state: any, log: (line: string) => void }} SeedContext
 */

/**
 * An admin (the first ADMIN_EMAILS address) and a trader, with random passwords made on first run.
 * @param {SeedContext} ctx
 */
async function seedAccounts(ctx) {
  const adminEmail = (ctx.vars.ADMIN_EMAILS ?? "").split(",")[0]?.trim().toLowerCase() || "admin@parapet.local";
  await ensureAccount(ctx, "admin", adminEmail, "admin");
  await ensureAccount(ctx, "trader", "trader@parapet.local", "trader");
}

/**
 * Market data: the real Binance candles of data/candles, through the ingest API (skips loaded files).
 * @param {SeedContext} ctx
 */
async function seedCandles({ url, state, log }) {
  const token = await accessToken(url, state, "admin");
  await loadCandleDir({ url, token, dir: join(ROOT, "data", "candles"), log });
}

/**
 * GETs `url` on a connection of its own. After a long call (a training run takes seconds)
 * `wrangler dev` was seen holding the next request for minutes, before it reached the Worker,
 * until some other request arrived; so while an answer is late, a `/health` request is sent
 * every 2 s to wake it (harmless: public and read-only).
 */
function getOnOwnConnection(url, headers = {}) {
  const nudge = setInterval(() => {
    get(new URL("/health", url), { agent: false }, (res) => res.resume()).on("error", () => {});
  }, 2000);
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { ...headers, connection: "close" } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ok: res.statusCode === 200, status: res.statusCode }));
    }).on("error", reject);
  }).finally(() => clearInterval(nudge));
}

/** The cron expression of the forecast training job (src/services/analysis/training-plan.ts). */
const TRAINING_CRON = "*/5 * * * *";

/**
 * Forecast models: `wrangler dev` runs no Cron Triggers on its own, so the demo fires the training
 * cron through `/__scheduled` until every model of the loaded symbols answers (API.md: models
 * exist after at most two runs).
 * @param {SeedContext} ctx
 */
async function seedModels({ url, state, log }) {
  const token = await accessToken(url, state, "admin");
  // 503 AI_001 while a model is missing; any other answer (200, or 404 for a symbol without data) is settled.
  const probe = async () => {
    for (const symbol of ["BTC-USDT", "ETH-USDT", "SOL-USDT"]) {
      for (const timeframe of ["1h", "4h", "1d"]) {
        for (const model of ["lstm", "ensemble"]) {
          const res = await getOnOwnConnection(
            `${url}/api/v1/analysis/prediction/${symbol}?timeframe=${timeframe}&model=${model}`,
            { Authorization: `Bearer ${token}` },
          );
          if (res.status === 503) return 503;
        }
      }
    }
    return 200;
  };
  if ((await probe()) === 200) return; // trained by an earlier run
  // One run trains every model when its time budget suffices; a slow machine may need a second.
  let status = 0;
  let run = 0;
  while (status !== 200 && run < 2) {
    run++;
    const res = await getOnOwnConnection(`${url}/__scheduled?cron=${encodeURIComponent(TRAINING_CRON)}`);
    if (!res.ok)
      throw new Error(`training cron run ${run} failed: ${res.status} (is wrangler dev run with --test-scheduled?)`);
    status = await probe();
  }
  log(
    status === 200
      ? `trained the forecast models (${run === 1 ? "one run" : "two runs"} of the training cron)`
      : `forecast models not ready yet (${status}); the next cron runs will finish them`,
  );
}

/** Runs every seed step against the server at `url`. */
export async function seed(url, vars = {}) {
  const state = loadState();
  const log = (line) => console.log(`[seed] ${line}`);
  for (const step of STEPS) {
    await step.run({ url, vars, state, log });
    saveState(state);
  }
  log(`Parapet is ready on ${url} — docs at ${url}/docs, OpenAPI at ${url}/openapi.json`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? "http://localhost:8787";
  seed(url).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
