import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { problems, VALID } from "../config-helpers";

describe("Solana monitoring configuration", () => {
  it("has documented defaults", () => {
    expect(parseConfig(VALID)).toMatchObject({
      SOLANA_WEBHOOK_SECRET: undefined,
      SOLANA_RPC_URL: undefined,
      WHALE_USD_THRESHOLD: 100_000,
      RATE_LIMIT_WEBHOOK_PER_MINUTE: 1200,
      RATE_LIMIT_WEBHOOK_BURST: 600,
      SOLANA_PRICE_MAX_AGE_SECONDS: 3600,
      SOLANA_SCAN_MAX_TOKENS: 50,
      SOLANA_SCAN_MAX_EVENTS: 20_000,
      SOLANA_ALERT_HORIZON_SECONDS: 86_400,
      SOLANA_RPC_MAX_REQUESTS: 40,
      SOLANA_RPC_TIMEOUT_MS: 10_000,
    });
  });

  it("keeps a query string (an API key) in the RPC URL", () => {
    const config = parseConfig({ ...VALID, SOLANA_RPC_URL: "https://mainnet.helius-rpc.com/?api-key=abc" });
    expect(config.SOLANA_RPC_URL).toBe("https://mainnet.helius-rpc.com/?api-key=abc");
  });

  it("names every bad value", () => {
    const found = problems({
      ...VALID,
      SOLANA_RPC_URL: "ftp://rpc.example",
      SOLANA_SCAN_MAX_EVENTS: "10",
      SOLANA_SCAN_MAX_TOKENS: "many",
      RATE_LIMIT_WEBHOOK_PER_MINUTE: "0",
      SOLANA_RPC_MAX_REQUESTS: "1",
    });
    expect(found.map((p) => p.split(" ")[0])).toEqual([
      "SOLANA_RPC_URL",
      "RATE_LIMIT_WEBHOOK_PER_MINUTE",
      "SOLANA_SCAN_MAX_TOKENS",
      "SOLANA_SCAN_MAX_EVENTS",
      "SOLANA_RPC_MAX_REQUESTS",
    ]);
  });

  it("refuses a webhook secret too short to be a credential", () => {
    expect(problems({ ...VALID, SOLANA_WEBHOOK_SECRET: "hunter2" })).toEqual([
      "SOLANA_WEBHOOK_SECRET must be at least 16 characters (a long random value: it is the webhook's only credential)",
    ]);
    expect(parseConfig({ ...VALID, SOLANA_WEBHOOK_SECRET: "x".repeat(16) }).SOLANA_WEBHOOK_SECRET).toBe("x".repeat(16));
  });
});
