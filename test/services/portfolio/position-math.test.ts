import { describe, expect, it } from "vitest";
import { formatMoney, parseDecimal } from "../../../src/services/portfolio/money";
import { checkOpen, exactPnl, marginOf, notionalOf, settledPnl } from "../../../src/services/portfolio/position-math";

const money = formatMoney;

describe("position arithmetic", () => {
  it("reserves size × price / leverage, rounded up to 8 digits", () => {
    // 0.5 × 65432.10 = 32716.05; / 3 = 10905.35 exactly
    expect(money(marginOf("0.5", "65432.10", 3))).toBe("10905.35");
    // 1 × 100 / 3 = 33.333…: rounded up so the reservation covers the exact value
    expect(money(marginOf("1", "100", 3))).toBe("33.33333334");
    // 0.00000001 × 0.00001234 = 1.234e-13: still reserves the smallest unit
    expect(money(marginOf("0.00000001", "0.00001234", 1))).toBe("0.00000001");
  });

  it("computes PnL exactly for longs and shorts", () => {
    // (66000.55 − 65432.10) × 0.5 = 568.45 × 0.5 = 284.225
    expect(formatMoney(exactPnl("long", "0.5", "65432.10", "66000.55"))).toBe("284.225");
    expect(formatMoney(exactPnl("short", "0.5", "65432.10", "66000.55"))).toBe("-284.225");
    // (0.00001199 − 0.00001234) × 123456789.123 = −0.00000035 × 123456789.123 = −43.20987619305
    expect(formatMoney(exactPnl("long", "123456789.123", "0.00001234", "0.00001199"))).toBe("-43.20987619305");
  });

  it("settles PnL half-even to 8 digits", () => {
    // −43.20987619305 → −43.20987619 (the dropped 305 is below half)
    expect(money(settledPnl("long", "123456789.123", "0.00001234", "1000", "0.00001199"))).toBe("-43.20987619");
    // 0.000000005 exactly half a unit: to even (0.00000000); 0.000000015 → 0.00000002
    expect(money(settledPnl("long", "0.000000001", "1", "1", "6"))).toBe("0.00");
    expect(money(settledPnl("long", "0.000000003", "1", "1", "6"))).toBe("0.00000002");
  });

  it("never settles a loss larger than the position's margin", () => {
    // long 10 @ 100, 20× → margin 50; at 90 the raw loss is 100
    expect(money(settledPnl("long", "10", "100", "50", "90"))).toBe("-50.00");
    // short 10 @ 100, 20×; at 104 the raw loss (40) is inside the margin
    expect(money(settledPnl("short", "10", "100", "50", "104"))).toBe("-40.00");
    // profits are not capped
    expect(money(settledPnl("short", "10", "100", "50", "1"))).toBe("990.00");
  });

  it("checks the open-positions cap, then the symbol's notional, then margin", () => {
    const base = {
      symbol: "BTC-USDT",
      notional: notionalOf("1", "1000"),
      margin: parseDecimal("1000"),
      available: parseDecimal("999.99999999"),
      maxOpenPositions: 2,
      maxSymbolNotional: "1500",
    };
    const one = [{ symbol: "BTC-USDT", size: "0.5", entry_price: "1000" }];
    const two = [...one, { symbol: "ETH-USDT", size: "1", entry_price: "1" }];
    expect(checkOpen({ ...base, open: two })).toEqual({ code: "PORT_002", reason: "open_positions", limit: 2 });
    expect(checkOpen({ ...base, open: one, notional: notionalOf("1.00000001", "1000") })).toEqual({
      code: "PORT_002",
      reason: "symbol_notional",
      limit: "1500.00",
      current: "500.00",
      requested: "1000.00001",
    });
    // exactly at the notional cap is allowed; then margin decides
    expect(checkOpen({ ...base, open: one })).toEqual({
      code: "PORT_001",
      available: "999.99999999",
      required: "1000.00",
    });
    expect(checkOpen({ ...base, open: one, available: parseDecimal("1000") })).toBeNull();
    // other symbols do not count towards the cap
    expect(
      checkOpen({
        ...base,
        open: [{ symbol: "ETH-USDT", size: "100", entry_price: "1000" }],
        available: parseDecimal("5000"),
      }),
    ).toBeNull();
  });
});
