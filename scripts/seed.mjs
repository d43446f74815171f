#!/usr/bin/env node
// The idempotent demo seed, run by `npm start` once the server answers (or alone:
// `node scripts/seed.mjs http://localhost:8787`). It talks to the running Worker over HTTP, so
// it exercises the same code paths as any client. Each capability adds its step to STEPS.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
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

/**
 * Seed steps, in order. Each gets `{ url, vars, state, log }`, may call the API, may record
 * what it created in `state`, and must be safe to run again.
 */
// biome-ignore format: one step per line keeps each capability's addition a one-line merge.
export const STEPS = [
  { name: "candles", run: seedCandles },
];

/** Market data: the real Binance candles of data/candles, through the ingest API (skips loaded files). */
async function seedCandles({ url, state, log }) {
  // accessToken(): the identity capability's helper (registers or logs in the admin of ADMIN_EMAILS).
  const token = await accessToken(url, state, "admin");
  await loadCandleDir({ url, token, dir: join(ROOT, "data", "candles"), log });
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
