#!/usr/bin/env node
// `npm run test:browser`: opens /docs in a real headless Chromium (Debian's, `apt-get install
// chromium`) against a fresh local server with no internet access for the page, and checks that
// the operations render. Every request the page makes must stay on the local origin.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { ROOT, startLocalServer } from "./lib/local-server.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  console.error(`Chromium not found at ${CHROMIUM}. Install it with: apt-get install chromium`);
  process.exit(2);
}

const server = await startLocalServer({
  vars: {
    ENFORCE_HTTPS: "false",
    JWT_SECRET: "browser-check-only-secret-0123456789abcdef",
    ENCRYPTION_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  },
});
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let failed = false;
try {
  const page = await browser.newPage();
  const foreign = [];
  const errors = [];
  page.on("request", (req) => {
    if (!req.url().startsWith(server.url) && !req.url().startsWith("data:")) foreign.push(req.url());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  await page.goto(`${server.url}/docs`, { waitUntil: "networkidle" });
  await page.waitForSelector(".opblock", { timeout: 20_000 });
  const operations = await page.$$eval(".opblock-summary-path", (nodes) => nodes.map((n) => n.textContent?.trim()));
  const title = await page.textContent(".info .title");
  mkdirSync(join(ROOT, ".bench"), { recursive: true });
  await page.screenshot({ path: join(ROOT, ".bench", "docs.png"), fullPage: false });
  console.log(`title: ${title?.trim()}`);
  console.log(`operations rendered: ${operations.length} (${operations.slice(0, 8).join(", ")}…)`);
  if (!operations.includes("/health")) throw new Error("the /health operation is not rendered");
  if (foreign.length) throw new Error(`the page requested other origins: ${foreign.join(", ")}`);
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  console.log("docs page OK: rendered from the Worker's own assets, no other origin contacted");
} catch (err) {
  failed = true;
  console.error(`docs page check FAILED: ${err instanceof Error ? err.message : err}`);
} finally {
  await browser.close();
  await server.stop();
}
process.exit(failed ? 1 : 0);
