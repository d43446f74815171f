import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config";
import { categorize } from "../../../src/services/ratelimit/categories";
import { planRateLimit } from "../../../src/services/ratelimit/policy";
import { ipSubject, ipv6Groups } from "../../../src/services/ratelimit/subject";
import type { Principal } from "../../../src/types";
import { rateLimitEnv } from "../../rate-limit-helpers";

/** Configuration with API.md's rate-limit defaults (the test bindings raise them for other tests). */
const config = parseConfig(rateLimitEnv() as unknown as Record<string, unknown>);

const user: Principal = { kind: "user", user_id: "usr_1", role: "trader", scopes: ["read:market"], tier: "jwt" };
const key = (tier: Principal["tier"], extra: Partial<Principal> = {}): Principal => ({
  kind: "api_key",
  user_id: "usr_1",
  key_id: "key_1",
  role: "trader",
  scopes: ["read:market"],
  tier,
  ...extra,
});

describe("categorize", () => {
  it.each([
    ["GET", "/api/v1/market/price/BTC-USDT", "market"],
    ["POST", "/api/v1/market/ingest", "market"],
    ["GET", "/api/v1/analysis/risk/BTC-USDT", "market"],
    ["POST", "/api/v1/portfolio/positions", "trading"],
    ["DELETE", "/api/v1/portfolio/positions/pos_1", "trading"],
    ["GET", "/api/v1/portfolio/balance", "account"],
    ["GET", "/api/v1/keys", "account"],
    ["POST", "/api/v1/keys/key_1/rotate", "account"],
    ["GET", "/api/v1/me", "account"],
    ["GET", "/api/v1/audit-logs", "account"],
    ["PUT", "/api/v1/admin/trading-halt", "account"],
    ["GET", "/api/v1/token/So11111111111111111111111111111111111111112/analysis", "token"],
    ["POST", "/api/v1/monitor", "token"],
    ["GET", "/api/v1/anomalies", "token"],
    ["POST", "/api/v1/ingest/solana", "token"],
    ["POST", "/api/v1/auth/login", "auth"],
    ["GET", "/api/v1/auth/wallet/nonce", "auth"],
  ])("%s %s is %s", (method, path, category) => {
    expect(categorize(method, path)).toBe(category);
  });

  it("matches whole segments only and leaves unknown paths uncategorised", () => {
    expect(categorize("GET", "/api/v1/marketplace")).toBeNull();
    expect(categorize("GET", "/api/v1/nope")).toBeNull();
    expect(categorize("POST", "/api/v1/ingest/other")).toBeNull();
    expect(categorize("GET", "/health")).toBeNull();
  });
});

describe("planRateLimit", () => {
  it("counts anonymous callers per IP at the anonymous rate", () => {
    const plan = planRateLimit(config, undefined, "203.0.113.7", "market");
    expect(plan).toMatchObject({ subject: "ip:203.0.113.7", tier: "anonymous", source: "tier" });
    expect(plan.input.minute).toEqual({ ratePerMinute: 60, burst: 100 });
    expect(plan.input.category).toEqual({ name: "market", perSecond: 100 });
    expect(plan.input.abuse).toEqual({
      threshold: 100,
      windowMs: 60_000,
      pauseMs: 60_000,
      maxPauseMs: 3_600_000,
      escalationMs: 3_600_000,
    });
  });

  it("counts JWT callers per user and API keys per key, at their tier's rate", () => {
    expect(planRateLimit(config, user, "203.0.113.7", "account")).toMatchObject({
      subject: "user:usr_1",
      tier: "jwt",
      input: { minute: { ratePerMinute: 120, burst: 200 }, category: { name: "account", perSecond: 25 } },
    });
    expect(planRateLimit(config, key("basic"), "203.0.113.7", "trading")).toMatchObject({
      subject: "key:key_1",
      input: { minute: { ratePerMinute: 300, burst: 500 }, category: { name: "trading", perSecond: 50 } },
    });
    expect(planRateLimit(config, key("premium"), "x", "token").input).toMatchObject({
      minute: { ratePerMinute: 1000, burst: 1500 },
      category: { name: "token", perSecond: 10 },
    });
  });

  it("gives enterprise keys their admin-set limit, and the configured default without one", () => {
    const custom = planRateLimit(
      config,
      key("enterprise", { rate_limit: { rate_per_minute: 6000, burst: 9000 } }),
      "x",
      null,
    );
    expect(custom).toMatchObject({
      source: "key",
      input: { minute: { ratePerMinute: 6000, burst: 9000 }, category: null },
    });
    const fallback = planRateLimit(config, key("enterprise"), "x", null);
    expect(fallback).toMatchObject({ source: "tier", input: { minute: { ratePerMinute: 1000, burst: 1500 } } });
  });

  it("ignores a per-key limit outside the limiter's range rather than trusting it", () => {
    for (const rate_limit of [
      { rate_per_minute: 0, burst: 10 },
      { rate_per_minute: 10, burst: 1e9 },
      { rate_per_minute: 1.5, burst: 10 },
    ]) {
      const plan = planRateLimit(config, key("enterprise", { rate_limit }), "x", null);
      expect(plan.source).toBe("tier");
      expect(plan.input.minute).toEqual({ ratePerMinute: 1000, burst: 1500 });
    }
  });

  it("counts /auth/* per IP at the anonymous rate even when credentials are sent", () => {
    const plan = planRateLimit(config, key("premium"), "198.51.100.4", "auth");
    expect(plan).toMatchObject({ subject: "ip:198.51.100.4", tier: "anonymous" });
    expect(plan.input).toMatchObject({
      minute: { ratePerMinute: 60, burst: 100 },
      category: { name: "auth", perSecond: 5 },
    });
  });
});

describe("ipSubject", () => {
  it("names IPv4 callers by address", () => {
    expect(ipSubject("192.0.2.1")).toBe("ip:192.0.2.1");
  });

  it("counts IPv6 callers per /64 so one host cannot rotate through its block", () => {
    expect(ipSubject("2001:db8:1:2:aaaa::1")).toBe("ip:2001:db8:1:2::/64");
    expect(ipSubject("2001:DB8:1:2:ffff:ffff:ffff:ffff")).toBe("ip:2001:db8:1:2::/64");
    expect(ipSubject("2001:db8:1:3::1")).toBe("ip:2001:db8:1:3::/64");
    expect(ipSubject("::1")).toBe("ip:0:0:0:0::/64");
  });

  it("treats IPv4-mapped IPv6 as the IPv4 caller", () => {
    expect(ipSubject("::ffff:192.0.2.1")).toBe("ip:192.0.2.1");
  });

  it("parses IPv6 forms exactly and rejects malformed ones", () => {
    expect(ipv6Groups("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ipv6Groups("fe80::1%eth0")).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups("64:ff9b::192.0.2.33")).toEqual([0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221]);
    for (const bad of ["1:2:3", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::g", "::1.2.3.256", "1.2.3.4"]) {
      expect(ipv6Groups(bad), bad).toBeNull();
    }
  });

  it("keeps a non-address value bounded instead of trusting it", () => {
    expect(ipSubject("unknown")).toBe("ip:unknown");
    expect(ipSubject("x".repeat(500))).toBe(`ip:${"x".repeat(64)}`);
  });
});
