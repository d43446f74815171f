import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Fixed, test-only secrets: never used outside tests.
export const TEST_BINDINGS = {
  ENFORCE_HTTPS: "true",
  JWT_ALG: "HS256",
  JWT_SECRET: "test-only-jwt-secret-0123456789abcdef0123456789",
  ENCRYPTION_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
  ADMIN_EMAILS: "admin@parapet.test",
  SOLANA_WEBHOOK_SECRET: "test-webhook-secret-0123456789",
  CORS_ORIGINS: "https://app.parapet.test",
  // Generous rate limits so other capabilities' tests are never throttled; the rate-limit tests
  // drop every RATE_LIMIT_* binding to run with API.md's defaults (test/rate-limit-helpers.ts).
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: "100000",
  RATE_LIMIT_ANONYMOUS_BURST: "100000",
  RATE_LIMIT_JWT_PER_MINUTE: "100000",
  RATE_LIMIT_JWT_BURST: "100000",
  RATE_LIMIT_BASIC_PER_MINUTE: "100000",
  RATE_LIMIT_BASIC_BURST: "100000",
  RATE_LIMIT_PREMIUM_PER_MINUTE: "100000",
  RATE_LIMIT_PREMIUM_BURST: "100000",
  RATE_LIMIT_ENTERPRISE_PER_MINUTE: "100000",
  RATE_LIMIT_ENTERPRISE_BURST: "100000",
  RATE_LIMIT_MARKET_PER_SECOND: "10000",
  RATE_LIMIT_TRADING_PER_SECOND: "10000",
  RATE_LIMIT_ACCOUNT_PER_SECOND: "10000",
  RATE_LIMIT_TOKEN_PER_SECOND: "10000",
  RATE_LIMIT_AUTH_PER_SECOND: "10000",
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      testTimeout: 30_000,
      hookTimeout: 30_000,
      // Two test files at a time on this 2-core machine: most of a Workers-pool file's time is
      // loading modules into workerd, which overlaps well (measured: the suite in 7.7 min at load
      // ~2.5, against 12.3 min at load ~3.5 with vitest's default of one worker here).
      maxWorkers: 2,
      // The Worker's structured info/debug lines (one per request) would bury the results; warnings
      // and errors stay visible. Tests that check log lines spy on console, which this does not
      // affect. TEST_LOGS=all shows everything.
      onConsoleLog: (log: string) =>
        process.env.TEST_LOGS === "all" || !/^\{"level":"(info|debug)"/.test(log.trimStart()) ? undefined : false,
      projects: [
        {
          // Tests inside the Workers runtime: real D1, Durable Objects and WebSockets.
          plugins: [
            cloudflareTest({
              main: "./src/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: { bindings: { ...TEST_BINDINGS, TEST_MIGRATIONS: migrations } },
            }),
          ],
          test: {
            name: "workers",
            // Projects do not inherit the root's timeouts; on a busy 2-core machine 5 s is too short.
            testTimeout: 30_000,
            hookTimeout: 30_000,
            include: ["test/**/*.test.ts"],
            exclude: ["test/node/**"],
            setupFiles: ["./test/setup.ts"],
          },
        },
        {
          // Black-box tests in Node against `wrangler dev` (OpenAPI validation, CLI).
          test: {
            name: "node",
            environment: "node",
            include: ["test/node/**/*.test.ts"],
            testTimeout: 120_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
