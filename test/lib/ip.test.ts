import { describe, expect, it } from "vitest";
import { ipMatchesAny, normalizeIpRange, parseIp, parseIpRange, rangeWithin } from "../../src/lib/ip";

describe("parseIpRange / normalizeIpRange", () => {
  it.each([
    ["10.1.2.7", "10.1.2.7"],
    ["10.1.2.7/32", "10.1.2.7"],
    ["10.1.2.7/24", "10.1.2.0/24"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8::1/128", "2001:db8::1"],
    ["2001:db8:abcd:12::1/48", "2001:db8:abcd::/48"],
    ["::/0", "::/0"],
    ["::ffff:10.1.2.7", "10.1.2.7"],
    ["::ffff:10.1.2.0/120", "10.1.2.0/24"],
    ["  192.0.2.1  ", "192.0.2.1"],
  ])("normalises %s to %s", (input, expected) => {
    expect(normalizeIpRange(input)).toBe(expected);
  });

  it.each([
    "",
    "10.1.2",
    "10.1.2.3.4",
    "256.1.1.1",
    "010.1.2.3",
    "0x0a.1.2.3",
    "10.1.2.0/33",
    "10.1.2.0/",
    "10.1.2.0/x",
    "10.1.2.0/-1",
    "10.1.2.0/08x",
    "2001:db8::/129",
    "2001:db8:::1",
    "fe80::1%eth0",
    "::ffff:10.1.2.0/90",
    "localhost",
    "1".repeat(100),
  ])("refuses %s", (input) => {
    expect(parseIpRange(input)).toBeNull();
  });
});

describe("ipMatchesAny", () => {
  it("matches addresses inside IPv4 and IPv6 ranges, and nothing across families", () => {
    const ranges = ["10.1.2.0/24", "2001:db8:abcd::/48", "203.0.113.9"];
    expect(ipMatchesAny("10.1.2.7", ranges)).toBe(true);
    expect(ipMatchesAny("10.1.3.7", ranges)).toBe(false);
    expect(ipMatchesAny("2001:db8:abcd:ffff::1", ranges)).toBe(true);
    expect(ipMatchesAny("2001:db8:abce::1", ranges)).toBe(false);
    expect(ipMatchesAny("203.0.113.9", ranges)).toBe(true);
    expect(ipMatchesAny("203.0.113.10", ranges)).toBe(false);
    expect(ipMatchesAny("::ffff:10.1.2.200", ranges)).toBe(true);
    expect(ipMatchesAny("::a01:207", ranges)).toBe(false);
  });

  it("matches nothing for an unparseable caller address", () => {
    expect(ipMatchesAny("unknown", ["0.0.0.0/0", "::/0"])).toBe(false);
    expect(parseIp("10.1.2.0/24")).toBeNull();
  });
});

describe("rangeWithin", () => {
  it("holds when every address of the inner range lies in the outer", () => {
    const r = (text: string) => parseIpRange(text) as NonNullable<ReturnType<typeof parseIpRange>>;
    expect(rangeWithin(r("10.1.2.0/24"), r("10.1.0.0/16"))).toBe(true);
    expect(rangeWithin(r("10.1.2.7"), r("10.1.2.0/24"))).toBe(true);
    expect(rangeWithin(r("10.1.0.0/16"), r("10.1.2.0/24"))).toBe(false);
    expect(rangeWithin(r("10.2.0.0/24"), r("10.1.0.0/16"))).toBe(false);
    expect(rangeWithin(r("2001:db8::/48"), r("10.0.0.0/8"))).toBe(false);
  });
});
