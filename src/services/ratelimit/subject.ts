/**
 * Names of rate-limit subjects (one Durable Object each): `key:<key_id>`, `user:<user_id>`,
 * `ip:<address>`. IPv6 callers are counted per /64, the smallest block a single customer is
 * normally given: otherwise one host could rotate through 2^64 addresses and never be limited.
 */

/** The subject of an anonymous caller at `ip` (the `CF-Connecting-IP` value). */
export function ipSubject(ip: string): string {
  const v4 = ipv4(ip);
  if (v4) return `ip:${v4}`;
  const groups = ipv6Groups(ip);
  if (groups) {
    // IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 caller itself.
    if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
      const [hi = 0, lo = 0] = [groups[6], groups[7]];
      return `ip:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
    return `ip:${groups
      .slice(0, 4)
      .map((g) => g.toString(16))
      .join(":")}::/64`;
  }
  // Not an address (only outside Cloudflare, e.g. a local run without the header): bounded name.
  return `ip:${ip.trim().toLowerCase().slice(0, 64) || "unknown"}`;
}

function ipv4(ip: string): string | null {
  const parts = ip.trim().split(".");
  if (parts.length !== 4) return null;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  if (octets.some((o) => !(o >= 0 && o <= 255))) return null;
  return octets.join(".");
}

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
export function ipv6Groups(raw: string): number[] | null {
  let ip = raw.trim().toLowerCase();
  const zone = ip.indexOf("%");
  if (zone >= 0) ip = ip.slice(0, zone);
  if (!ip.includes(":") || ip.length > 45) return null;
  let embedded: [number, number] | null = null;
  const lastColon = ip.lastIndexOf(":");
  const last = ip.slice(lastColon + 1);
  if (last.includes(".")) {
    // A trailing dotted IPv4 (::ffff:1.2.3.4) stands for the last two groups.
    const v4 = ipv4(last);
    if (!v4) return null;
    const [a = 0, b = 0, c = 0, d = 0] = v4.split(".").map(Number);
    embedded = [(a << 8) | b, (c << 8) | d];
    ip = `${ip.slice(0, lastColon + 1)}0:0`;
  }
  const halves = ip.split("::");
  if (halves.length > 2) return null;
  const words = (part: string | undefined) => (part ? part.split(":") : []);
  const head = words(halves[0]);
  const rest = words(halves[1]);
  const given = head.length + rest.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  if (![...head, ...rest].every((w) => /^[0-9a-f]{1,4}$/.test(w))) return null;
  const groups = [...head, ...new Array<string>(8 - given).fill("0"), ...rest].map((w) => Number.parseInt(w, 16));
  if (embedded) [groups[6], groups[7]] = embedded;
  return groups;
}
