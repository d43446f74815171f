/**
 * IP addresses and CIDR ranges, parsed by ipaddr.js rather than regexes. Shared by API-key
 * allowlists and the IP block list. Only the standard spellings are accepted: four-part
 * decimal IPv4 (no `10.1`, `0x0a.1.2.3` or octal), IPv6 without a zone id.
 */
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A parsed address or range: a single address is a range of one (`/32` or `/128`). */
export interface IpRange {
  kind: "ipv4" | "ipv6";
  address: Address;
  prefix: number;
  /** Canonical text: the bare address for a single one, else `network/prefix` (host bits cleared). */
  normalized: string;
}

const MAX_INPUT = 64;

/** IPv4-mapped IPv6 (`::ffff:10.1.2.3`) is read as the IPv4 address it carries. */
function unmap(address: Address): Address {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

function parseAddressStrict(text: string): Address | null {
  if (text.length === 0 || text.length > MAX_INPUT || text.includes("%")) return null;
  if (text.includes(":")) {
    if (!ipaddr.IPv6.isValid(text)) return null;
    return unmap(ipaddr.IPv6.parse(text));
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  return ipaddr.IPv4.parse(text);
}

function networkOf(address: Address, prefix: number): Address {
  const bytes = address.toByteArray();
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    const i = Math.floor(bit / 8);
    bytes[i] = (bytes[i] as number) & ~(0x80 >> (bit % 8));
  }
  return ipaddr.fromByteArray(bytes);
}

/**
 * Parses one IP address or CIDR range (`10.1.2.0/24`, `2001:db8::/32`, `10.1.2.7`), or null
 * when it is not one. The result is normalised: host bits cleared, IPv6 compressed (RFC 5952),
 * IPv4-mapped IPv6 turned into IPv4, `/32` and `/128` written as the bare address.
 * @example parseIpRange("10.1.2.7/24")?.normalized // "10.1.2.0/24"
 */
export function parseIpRange(input: string): IpRange | null {
  if (typeof input !== "string") return null;
  const text = input.trim();
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? null : text.slice(slash + 1);
  const parsed = parseAddressStrict(addressText);
  if (!parsed) return null;
  const mapped = addressText.includes(":") && parsed.kind() === "ipv4";
  const bits = parsed.kind() === "ipv4" ? 32 : 128;
  let prefix = bits;
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    // A mapped range's prefix counts the 96 bits of the ::ffff:0:0/96 wrapper.
    if (mapped) prefix -= 96;
    if (prefix < 0 || prefix > bits) return null;
  }
  const address = networkOf(parsed, prefix);
  const kind = address.kind();
  const shown = kind === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
  return { kind, address, prefix, normalized: prefix === bits ? shown : `${shown}/${prefix}` };
}

/** Parses a single caller address (no range), or null. */
export function parseIp(input: string): Address | null {
  if (typeof input !== "string") return null;
  return parseAddressStrict(input.trim());
}

/** Normalises an IP address or CIDR range, or returns null when it is not one. */
export function normalizeIpRange(input: string): string | null {
  return parseIpRange(input)?.normalized ?? null;
}

/** True when `ip` lies in `range` (different address families never match). */
export function ipInRange(ip: Address, range: IpRange): boolean {
  if (ip.kind() !== range.kind) return false;
  return ip.match(range.address, range.prefix);
}

/**
 * True when the caller address `ip` (text, e.g. `CF-Connecting-IP`) is inside any of the
 * ranges (normalised texts or parsed ranges). An unparseable caller address matches nothing.
 * @example ipMatchesAny("10.1.2.7", ["10.1.2.0/24"]) // true
 */
export function ipMatchesAny(ip: string, ranges: ReadonlyArray<string | IpRange>): boolean {
  const address = parseIp(ip);
  if (!address) return false;
  for (const entry of ranges) {
    const range = typeof entry === "string" ? parseIpRange(entry) : entry;
    if (range && ipInRange(address, range)) return true;
  }
  return false;
}

/** True when every address of `inner` lies inside `outer`. */
export function rangeWithin(inner: IpRange, outer: IpRange): boolean {
  return inner.kind === outer.kind && inner.prefix >= outer.prefix && inner.address.match(outer.address, outer.prefix);
}
