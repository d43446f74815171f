import { describe, expect, it } from "vitest";
import {
  addAmounts,
  compareAmounts,
  multiplyUsd,
  normalizeAmount,
  numberToAmount,
  rawToAmount,
} from "../../../src/services/solana/amounts";

describe("token amounts as exact decimal text", () => {
  it("spells JSON numbers as the decimals the sender wrote, exponents included", () => {
    expect(numberToAmount(500000)).toBe("500000");
    expect(numberToAmount(0.1)).toBe("0.1");
    expect(numberToAmount(1234.567891)).toBe("1234.567891");
    expect(numberToAmount(1e-7)).toBe("0.0000001");
    expect(numberToAmount(1.5e-9)).toBe("0.0000000015");
    expect(numberToAmount(1e21)).toBe("1000000000000000000000");
    expect(numberToAmount(0)).toBe("0");
  });

  it("refuses negative and non-finite numbers", () => {
    expect(numberToAmount(-1)).toBeNull();
    expect(numberToAmount(Number.NaN)).toBeNull();
    expect(numberToAmount(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it("turns raw base units and decimals into token units", () => {
    expect(rawToAmount("1500000", 6)).toBe("1.5");
    expect(rawToAmount("1", 9)).toBe("0.000000001");
    expect(rawToAmount("18446744073709551615", 9)).toBe("18446744073.709551615");
    expect(rawToAmount("42", 0)).toBe("42");
    expect(rawToAmount("-1", 6)).toBeNull();
    expect(rawToAmount("1.5", 6)).toBeNull();
  });

  it("multiplies amount × price exactly, rounding USD half-up to micro-dollars", () => {
    expect(multiplyUsd("1000000", "0.5")).toBe("500000");
    expect(multiplyUsd("0.1", "0.2")).toBe("0.02");
    expect(multiplyUsd("3", "0.3333333333")).toBe("1");
    expect(multiplyUsd("1", "0.0000005")).toBe("0.000001");
    expect(multiplyUsd("18446744073.709551615", "187.25")).toBe("3454152827802.11354");
  });

  it("adds and compares without floating-point drift", () => {
    expect(addAmounts("0.1", "0.2")).toBe("0.3");
    expect(addAmounts("0", "1.50", "2.25")).toBe("3.75");
    expect(compareAmounts("100000", "99999.999999")).toBe(1);
    expect(compareAmounts("1.50", "1.5")).toBe(0);
    expect(normalizeAmount("41.50")).toBe("41.5");
  });
});
