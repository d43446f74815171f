import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config";
import { rateLimitEnv } from "../rate-limit-helpers";

const parse = (overrides: Record<string, unknown> = {}) =>
  parseConfig(rateLimitEnv(overrides) as unknown as Record<string, unknown>);

describe("rate-limit configuration", () => {
  it("defaults to API.md's tiers, caps and pause policy", () => {
    const config = parse();
    expect(config).toMatchObject({
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: 60,
      RATE_LIMIT_ANONYMOUS_BURST: 100,
      RATE_LIMIT_JWT_PER_MINUTE: 120,
      RATE_LIMIT_JWT_BURST: 200,
      RATE_LIMIT_BASIC_PER_MINUTE: 300,
      RATE_LIMIT_BASIC_BURST: 500,
      RATE_LIMIT_PREMIUM_PER_MINUTE: 1000,
      RATE_LIMIT_PREMIUM_BURST: 1500,
      RATE_LIMIT_MARKET_PER_SECOND: 100,
      RATE_LIMIT_TRADING_PER_SECOND: 50,
      RATE_LIMIT_ACCOUNT_PER_SECOND: 25,
      RATE_LIMIT_TOKEN_PER_SECOND: 10,
      RATE_LIMIT_SUSPEND_AFTER: 100,
      RATE_LIMIT_SUSPEND_WINDOW_SECONDS: 60,
      RATE_LIMIT_SUSPEND_SECONDS: 60,
      RATE_LIMIT_SUSPEND_MAX_SECONDS: 3600,
      RATE_LIMIT_ESCALATION_WINDOW_SECONDS: 3600,
    });
    expect(config.RATE_LIMIT_FAIL_CLOSED).toEqual(["trading", "auth"]);
  });

  it("reads overrides, and an empty fail-closed list means fail open everywhere", () => {
    const config = parse({ RATE_LIMIT_JWT_PER_MINUTE: "240", RATE_LIMIT_FAIL_CLOSED: "" });
    expect(config.RATE_LIMIT_JWT_PER_MINUTE).toBe(240);
    expect(config.RATE_LIMIT_FAIL_CLOSED).toEqual([]);
    expect(parse({ RATE_LIMIT_FAIL_CLOSED: " market , trading " }).RATE_LIMIT_FAIL_CLOSED).toEqual([
      "market",
      "trading",
    ]);
  });

  it("names each bad value instead of falling back", () => {
    const bad = () =>
      parse({
        RATE_LIMIT_ANONYMOUS_BURST: "0",
        RATE_LIMIT_JWT_PER_MINUTE: "lots",
        RATE_LIMIT_MARKET_PER_SECOND: "100001",
        RATE_LIMIT_FAIL_CLOSED: "trading,everything",
        RATE_LIMIT_SUSPEND_SECONDS: "600",
        RATE_LIMIT_SUSPEND_MAX_SECONDS: "60",
      });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      const problems = (err as ConfigError).problems.join("\n");
      for (const name of [
        "RATE_LIMIT_ANONYMOUS_BURST",
        "RATE_LIMIT_JWT_PER_MINUTE",
        "RATE_LIMIT_MARKET_PER_SECOND",
        "RATE_LIMIT_FAIL_CLOSED",
      ]) {
        expect(problems).toContain(name);
      }
      expect(problems).toContain("everything");
    }
    expect(() => parse({ RATE_LIMIT_SUSPEND_SECONDS: "600", RATE_LIMIT_SUSPEND_MAX_SECONDS: "60" })).toThrow(
      /RATE_LIMIT_SUSPEND_MAX_SECONDS/,
    );
  });
});
