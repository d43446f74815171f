#!/usr/bin/env node
// Measures whether a login with an unknown email and one with a wrong password take the same
// time (they must: both run the full PBKDF2 and the same D1 work). Starts its own `wrangler dev`
// on a free port with throwaway secrets, alternates the two cases, prints medians and p90s.
// Usage: node scripts/measure-login-timing.mjs [pairs=40]
import { randomBytes } from "node:crypto";
import { startLocalServer } from "./lib/local-server.mjs";

const PAIRS = Number(process.argv[2] ?? 40);
const PASSWORD = "correct horse battery staple";

const server = await startLocalServer({
  vars: {
    ENFORCE_HTTPS: "false",
    JWT_SECRET: randomBytes(48).toString("base64url"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  },
});

async function post(path, body) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

try {
  const unknown = [];
  const wrong = [];
  // Warm-up: first requests compile and import keys.
  for (let i = 0; i < 5; i++) await post("/api/v1/auth/login", { email: `warm${i}@example.test`, password: PASSWORD });
  for (let i = 0; i < PAIRS; i++) {
    // A fresh account per attempt, so no lock (5 failures) changes the path being measured.
    const email = `timing-${i}-${randomBytes(4).toString("hex")}@example.test`;
    const reg = await post("/api/v1/auth/register", { email, password: PASSWORD });
    if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
    const a = await post("/api/v1/auth/login", { email: `nobody-${email}`, password: PASSWORD });
    const b = await post("/api/v1/auth/login", { email, password: `${PASSWORD}!` });
    if (a.status !== 401 || b.status !== 401) throw new Error(`expected 401s, got ${a.status}/${b.status}`);
    unknown.push(a.ms);
    wrong.push(b.ms);
  }
  const row = (name, xs) =>
    `${name.padEnd(16)} median ${quantile(xs, 0.5).toFixed(1)} ms   p90 ${quantile(xs, 0.9).toFixed(1)} ms`;
  console.log(`login timing over ${PAIRS} pairs (wrangler dev, local D1)`);
  console.log(row("unknown email", unknown));
  console.log(row("wrong password", wrong));
  console.log(`median ratio (unknown / wrong): ${(quantile(unknown, 0.5) / quantile(wrong, 0.5)).toFixed(3)}`);
} finally {
  await server.stop();
}
