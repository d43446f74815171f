import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { problems, VALID } from "../config-helpers";

describe("market data configuration", () => {
  it("defaults to no upstream, 1m/1h/1d pulls, binance, and a 120 s price age", () => {
    expect(parseConfig(VALID)).toMatchObject({
      MARKET_UPSTREAM_URL: undefined,
      MARKET_UPSTREAM_INTERVALS: ["1m", "1h", "1d"],
      MARKET_UPSTREAM_EXCHANGE: "binance",
      MARKET_PRICE_MAX_AGE_SECONDS: 120,
    });
  });

  it("reads the upstream settings", () => {
    const config = parseConfig({
      ...VALID,
      MARKET_UPSTREAM_URL: "https://api.binance.com/",
      MARKET_UPSTREAM_INTERVALS: " 1d, 5m ,1d",
      MARKET_UPSTREAM_EXCHANGE: "binance-us",
      MARKET_PRICE_MAX_AGE_SECONDS: "30",
    });
    expect(config).toMatchObject({
      MARKET_UPSTREAM_URL: "https://api.binance.com",
      MARKET_UPSTREAM_INTERVALS: ["1d", "5m"],
      MARKET_UPSTREAM_EXCHANGE: "binance-us",
      MARKET_PRICE_MAX_AGE_SECONDS: 30,
    });
  });

  it("names the variable when a market setting is bad", () => {
    expect(problems({ ...VALID, MARKET_UPSTREAM_URL: "ftp://x" })[0]).toMatch(/^MARKET_UPSTREAM_URL /);
    expect(problems({ ...VALID, MARKET_UPSTREAM_INTERVALS: "1h,4h" })[0]).toMatch(
      /^MARKET_UPSTREAM_INTERVALS .*"1h,4h"/,
    );
    expect(problems({ ...VALID, MARKET_UPSTREAM_EXCHANGE: "Binance US" })[0]).toMatch(/^MARKET_UPSTREAM_EXCHANGE /);
    expect(problems({ ...VALID, MARKET_PRICE_MAX_AGE_SECONDS: "1" })[0]).toMatch(/^MARKET_PRICE_MAX_AGE_SECONDS /);
  });
});
