import { describe, expect, it } from "vitest";
import { ipInRange, normaliseIp, parseIp, parseIpRange } from "../../src/lib/ip";

describe("IP and CIDR parsing", () => {
  it("accepts canonical addresses and normalises them", () => {
    expect(normaliseIp("192.0.2.1")).toBe("192.0.2.1");
    expect(normaliseIp(" 2001:DB8:0:0:0:0:0:1 ")).toBe("2001:db8::1");
    expect(normaliseIp("::ffff:192.0.2.1")).toBe("192.0.2.1");
  });

  it("refuses shorthand, hex, out-of-range and zoned forms", () => {
    for (const bad of ["127.1", "0x7f.0.0.1", "256.1.1.1", "1.2.3", "fe80::1%eth0", "", "abc", "1.2.3.4/24"]) {
      expect(parseIp(bad)).toBeNull();
    }
    for (const bad of ["10.0.0.0/33", "2001:db8::/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8/8", "x/8"]) {
      expect(parseIpRange(bad)).toBeNull();
    }
  });

  it("clears host bits of a range and matches members of the same family only", () => {
    const range = parseIpRange("10.1.2.3/8");
    expect(range?.text).toBe("10.0.0.0/8");
    expect(
      ipInRange(parseIp("10.200.0.1") as NonNullable<ReturnType<typeof parseIp>>, range as NonNullable<typeof range>),
    ).toBe(true);
    expect(
      ipInRange(parseIp("11.0.0.1") as NonNullable<ReturnType<typeof parseIp>>, range as NonNullable<typeof range>),
    ).toBe(false);
    expect(
      ipInRange(parseIp("::1") as NonNullable<ReturnType<typeof parseIp>>, range as NonNullable<typeof range>),
    ).toBe(false);
    const v6 = parseIpRange("2001:db8:abcd:1234::/48");
    expect(v6?.text).toBe("2001:db8:abcd::/48");
  });
});
