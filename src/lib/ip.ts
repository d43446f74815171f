import ipaddr from "ipaddr.js";

/**
 * IP addresses and CIDR ranges, parsed by ipaddr.js rather than regexes. Only the canonical
 * textual forms are accepted: dotted four-part decimal IPv4 (no `0x7f.1`, no `127.1`) and
 * IPv6 without a zone id. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) are treated as the IPv4
 * address they carry, so a block or allowlist on `1.2.3.4` matches either spelling.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A parsed address or range: `bits` is 32/128 for a single address. */
export interface IpRange {
  kind: "ipv4" | "ipv6";
  address: Address;
  bits: number;
  /** Normalised text: `1.2.3.4`, `10.0.0.0/8`, `2001:db8::/32` (host bits cleared). */
  text: string;
}

function unmap(address: Address): Address {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

function format(address: Address): string {
  return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

/** Parses a single address in canonical form; null when it is not one. */
export function parseIp(value: string): Address | null {
  const text = value.trim();
  if (text.length === 0 || text.length > 64 || text.includes("%")) return null;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(":") && ipaddr.IPv6.isValid(text)) return unmap(ipaddr.IPv6.parse(text));
  return null;
}

/**
 * Parses an address or a CIDR range (`10.0.0.0/8`, `2001:db8::/32`). A range's host bits are
 * cleared in `text`, so `10.1.2.3/8` and `10.0.0.0/8` normalise to the same value.
 */
export function parseIpRange(value: string): IpRange | null {
  const text = value.trim();
  const slash = text.indexOf("/");
  if (slash === -1) {
    const address = parseIp(text);
    if (!address) return null;
    const bits = address.kind() === "ipv4" ? 32 : 128;
    return { kind: address.kind(), address, bits, text: format(address) };
  }
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return null;
  const raw = text.slice(0, slash);
  const isV4 = ipaddr.IPv4.isValidFourPartDecimal(raw);
  if (!isV4 && !(raw.includes(":") && !raw.includes("%") && ipaddr.IPv6.isValid(raw))) return null;
  const bits = Number(prefix);
  if (bits > (isV4 ? 32 : 128)) return null;
  const network = isV4
    ? ipaddr.IPv4.networkAddressFromCIDR(`${raw}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${raw}/${bits}`);
  return { kind: network.kind(), address: network, bits, text: `${format(network)}/${bits}` };
}

/** Whether `ip` (an address) lies inside `range`. */
export function ipInRange(ip: Address, range: IpRange): boolean {
  if (ip.kind() !== range.kind) return false;
  return ip.match(range.address, range.bits);
}

/** The normalised text of an address (for exact-match sets), or null when it does not parse. */
export function normaliseIp(value: string): string | null {
  const address = parseIp(value);
  return address ? format(address) : null;
}
