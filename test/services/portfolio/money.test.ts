import { describe, expect, it } from "vitest";
import {
  add,
  compare,
  divideTo,
  formatDecimal,
  formatMoney,
  max,
  multiply,
  negate,
  parseDecimal,
  roundTo,
  sign,
  subtract,
  sum,
} from "../../../src/services/portfolio/money";

const d = parseDecimal;
const text = formatDecimal;

describe("portfolio decimals", () => {
  it("parses and prints exactly, without trailing zeros", () => {
    expect(text(d("65432.10"))).toBe("65432.1");
    expect(text(d("-0.00012300"))).toBe("-0.000123");
    expect(text(d("0.0"))).toBe("0");
    expect(text(d("-0.000"))).toBe("0");
    expect(text(d("123456789012345678901234567890.123456789012345678"))).toBe(
      "123456789012345678901234567890.123456789012345678",
    );
  });

  it("prints money with at least two fractional digits and keeps the rest", () => {
    expect(formatMoney(d("1500"))).toBe("1500.00");
    expect(formatMoney(d("-12.5"))).toBe("-12.50");
    expect(formatMoney(d("0.12345678"))).toBe("0.12345678");
    expect(formatMoney(d("-0.00"))).toBe("0.00");
  });

  it("refuses anything that is not a plain decimal", () => {
    for (const bad of ["", "1e5", "+1", "1.", ".5", "0x10", "1,5", " 1", "NaN", "Infinity", "--1"]) {
      expect(() => d(bad), bad).toThrow(RangeError);
    }
  });

  it("adds, subtracts and multiplies without losing a digit where floats do", () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the reason this module exists
    expect(text(add(d("0.1"), d("0.2")))).toBe("0.3");
    expect(text(subtract(d("100000.00"), d("0.00000001")))).toBe("99999.99999999");
    expect(text(multiply(d("65432.10"), d("0.123456789")))).toBe("8078.0369635269");
    expect(text(multiply(d("-1.5"), d("-2")))).toBe("3");
    expect(text(sum([d("1.25"), d("-0.5"), d("3")]))).toBe("3.75");
    expect(text(negate(d("7.5")))).toBe("-7.5");
  });

  it("compares numerically whatever the spelling", () => {
    expect(compare(d("1.50"), d("1.5"))).toBe(0);
    expect(compare(d("-2"), d("1"))).toBe(-1);
    expect(compare(d("10"), d("9.99999999999"))).toBe(1);
    expect(text(max(d("-3"), d("-2.5")))).toBe("-2.5");
    expect([sign(d("-0.1")), sign(d("0.0")), sign(d("4"))]).toEqual([-1, 0, 1]);
  });

  it("rounds half to even at ties and to nearest otherwise, on both signs", () => {
    const round2 = (v: string) => text(roundTo(d(v), 2, "half-even"));
    expect(round2("0.125")).toBe("0.12");
    expect(round2("0.135")).toBe("0.14");
    expect(round2("0.1251")).toBe("0.13");
    expect(round2("-0.125")).toBe("-0.12");
    expect(round2("-0.135")).toBe("-0.14");
    expect(round2("-0.1249")).toBe("-0.12");
    expect(round2("2.5")).toBe("2.5");
  });

  it("rounds up towards +∞ with ceil and down towards −∞ with floor", () => {
    expect(text(roundTo(d("1.001"), 2, "ceil"))).toBe("1.01");
    expect(text(roundTo(d("-1.009"), 2, "ceil"))).toBe("-1");
    expect(text(roundTo(d("1.009"), 2, "floor"))).toBe("1");
    expect(text(roundTo(d("-1.001"), 2, "floor"))).toBe("-1.01");
    expect(text(roundTo(d("1.00"), 2, "ceil"))).toBe("1");
  });

  it("divides by a whole number to a fixed scale", () => {
    expect(text(divideTo(d("100"), 3n, 8, "ceil"))).toBe("33.33333334");
    expect(text(divideTo(d("100"), 3n, 8, "floor"))).toBe("33.33333333");
    expect(text(divideTo(d("100"), 3n, 8, "half-even"))).toBe("33.33333333");
    expect(text(divideTo(d("0.00000005"), 2n, 8, "half-even"))).toBe("0.00000002");
    expect(text(divideTo(d("0.00000015"), 2n, 8, "half-even"))).toBe("0.00000008");
    expect(() => divideTo(d("1"), 0n, 8, "ceil")).toThrow(RangeError);
  });
});
