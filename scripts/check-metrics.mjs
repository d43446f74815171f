#!/usr/bin/env node
// `npm run check:metrics`: starts the Worker locally (wrangler dev, fresh state, a random
// METRICS_TOKEN), makes a few requests, scrapes /metrics and runs `promtool check metrics` on
// the live scrape when promtool is installed. Exits non-zero when the scrape is refused, when
// a count is off, or when promtool finds anything but the accepted lint finding.
import { randomBytes } from "node:crypto";
import { startLocalServer } from "./lib/local-server.mjs";
import { ACCEPTED_LINT, promtoolCheck } from "./lib/promtool.mjs";

const token = randomBytes(24).toString("base64url");
const vars = {
  ENFORCE_HTTPS: "false",
  JWT_SECRET: randomBytes(48).toString("base64url"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  METRICS_TOKEN: token,
};

function count(text, series) {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

async function main() {
  console.log("Starting the Worker (wrangler dev)…");
  const server = await startLocalServer({ vars, testScheduled: false });
  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`scrape answered ${res.status}`);
    return res.text();
  };
  let failed = false;
  try {
    const unauthorized = await fetch(`${server.url}/metrics`);
    console.log(`GET /metrics without the token: ${unauthorized.status} (expected 401)`);
    failed ||= unauthorized.status !== 401;

    const health = 'http_requests_total{method="GET",route="/health",status="200"}';
    const unknown = 'http_requests_total{method="GET",route="unmatched",status="404"}';
    const before = await scrape();
    for (let i = 0; i < 5; i++) await fetch(`${server.url}/health`);
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/no/such/path/${i}`);
    await fetch(`${server.url}/openapi.json`);

    // API.md: metrics are readable within 5 s of the request.
    const deadline = Date.now() + 5000;
    let text = await scrape();
    while (count(text, health) - count(before, health) < 5 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      text = await scrape();
    }
    const grew = [count(text, health) - count(before, health), count(text, unknown) - count(before, unknown)];
    console.log(`/health counted ${grew[0]} of 5 requests, unknown paths ${grew[1]} of 3`);
    failed ||= grew[0] !== 5 || grew[1] !== 3;
    console.log(
      `Scrape: ${text.length} bytes, ${text.split("\n").filter((l) => l && !l.startsWith("#")).length} samples`,
    );

    const check = promtoolCheck(text);
    if (!check.available) {
      console.log("promtool is not installed (apt-get install prometheus): skipped `promtool check metrics`.");
    } else {
      console.log(`$ curl -s -H 'Authorization: Bearer …' ${server.url}/metrics | promtool check metrics`);
      console.log(check.output || "(no output)");
      console.log(`exit status ${check.status}`);
      if (check.status === 3 && check.ok) {
        console.log(`Accepted: ${ACCEPTED_LINT.join("; ")} (the metric name is fixed by API.md).`);
      }
      console.log(check.ok ? "promtool check metrics: OK" : "promtool check metrics: FAILED");
      failed ||= !check.ok;
    }
  } finally {
    await server.stop();
  }
  if (failed) {
    console.error("check:metrics FAILED");
    process.exit(1);
  }
  console.log("check:metrics passed");
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
