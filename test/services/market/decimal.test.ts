import { describe, expect, it } from "vitest";
import { compareDecimal, isDecimal, maxDecimal, minDecimal, sumDecimals } from "../../../src/services/market/decimal";

describe("decimal strings", () => {
  it("accepts plain non-negative decimals and refuses signs, exponents and leading zeros", () => {
    for (const ok of ["0", "0.5", "65432.10", "0.00000001", "91810.0", "123456789012345678.123456789012345678"]) {
      expect(isDecimal(ok), ok).toBe(true);
    }
    for (const bad of ["", "-1", "+1", "1e5", "01", ".5", "5.", "1,5", "NaN", "Infinity", " 1", "0x10"]) {
      expect(isDecimal(bad), bad).toBe(false);
    }
  });

  it("compares numerically, whatever the number of decimals", () => {
    expect(compareDecimal("1.50", "1.5")).toBe(0);
    expect(compareDecimal("9.9", "10")).toBe(-1);
    expect(compareDecimal("65432.100000001", "65432.1")).toBe(1);
    // Beyond float precision: these two are the same double but different decimals.
    expect(compareDecimal("9007199254740993", "9007199254740992")).toBe(1);
    expect(compareDecimal("0.10000000000000001", "0.1")).toBe(1);
  });

  it("keeps the first spelling on ties when picking max and min", () => {
    expect(maxDecimal("91810.0", "91810")).toBe("91810.0");
    expect(minDecimal("2.850", "2.85")).toBe("2.850");
    expect(maxDecimal("2.85", "3.5208")).toBe("3.5208");
    expect(minDecimal("2.85", "2.8433")).toBe("2.8433");
  });

  it("sums exactly where floats drift", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(["19006.39", "16202.7855"])).toBe("35209.1755");
    expect(sumDecimals(["1.5", "2.5"])).toBe("4");
    expect(sumDecimals(["0.00000001", "0.00000002"])).toBe("0.00000003");
    expect(sumDecimals(["0"])).toBe("0");
  });
});
