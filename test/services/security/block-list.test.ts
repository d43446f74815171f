import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  buildBlockList,
  CACHE_TTL_MS,
  invalidateBlockList,
  isIpBlocked,
  matchBlockList,
  REFRESH_LEASE_MS,
} from "../../../src/services/security/block-list";

describe("block list matching", () => {
  it("matches exact addresses and ranges until they expire", () => {
    const now = 1_000_000;
    const list = buildBlockList(
      [
        { ip: "192.0.2.1", expires_at: now + 1000 },
        { ip: "198.51.100.0/24", expires_at: null },
        { ip: "2001:db8::/32", expires_at: now + 10 },
      ],
      now,
    );
    expect(matchBlockList(list, "192.0.2.1", now)).toBe(true);
    expect(matchBlockList(list, "192.0.2.1", now + 1000)).toBe(false);
    expect(matchBlockList(list, "198.51.100.200", now + 10 ** 9)).toBe(true);
    expect(matchBlockList(list, "2001:db8:1::5", now)).toBe(true);
    expect(matchBlockList(list, "2001:db8:1::5", now + 11)).toBe(false);
    expect(matchBlockList(list, "192.0.2.2", now)).toBe(false);
    expect(matchBlockList(list, "unknown", now)).toBe(false);
  });

  it("keeps the longest of two blocks on one address", () => {
    const list = buildBlockList(
      [
        { ip: "192.0.2.7", expires_at: 100 },
        { ip: "192.0.2.7", expires_at: null },
      ],
      0,
    );
    expect(matchBlockList(list, "192.0.2.7", 10 ** 12)).toBe(true);
  });
});

describe("block list cache", () => {
  it("sees a block written by another isolate once its copy is older than the cache TTL", async () => {
    invalidateBlockList();
    const now = Date.now();
    expect(await isIpBlocked(env.DB, "192.0.2.77", now)).toBe(false);
    // Another isolate adds a block: only D1 changes here.
    await env.DB.prepare(
      "INSERT INTO ip_blocks (id, ip, reason, source, created_at, expires_at) VALUES ('blk_other_isolate', '192.0.2.77', NULL, 'manual', ?1, NULL)",
    )
      .bind(now)
      .run();
    expect(await isIpBlocked(env.DB, "192.0.2.77", now + CACHE_TTL_MS - 1)).toBe(false);
    expect(await isIpBlocked(env.DB, "192.0.2.77", now + CACHE_TTL_MS)).toBe(true);
    expect(CACHE_TTL_MS).toBeLessThan(5000);
    await env.DB.prepare("DELETE FROM ip_blocks WHERE id = 'blk_other_isolate'").run();
    invalidateBlockList();
    expect(await isIpBlocked(env.DB, "192.0.2.77")).toBe(false);
  });

  it("keeps its last copy when D1 cannot be read", async () => {
    invalidateBlockList();
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO ip_blocks (id, ip, reason, source, created_at, expires_at) VALUES ('blk_outage', '192.0.2.78', NULL, 'manual', ?1, NULL)",
    )
      .bind(now)
      .run();
    expect(await isIpBlocked(env.DB, "192.0.2.78", now)).toBe(true);
    await env.DB.exec("ALTER TABLE ip_blocks RENAME TO ip_blocks_away");
    try {
      expect(await isIpBlocked(env.DB, "192.0.2.78", now + CACHE_TTL_MS + 1)).toBe(true);
    } finally {
      await env.DB.exec("ALTER TABLE ip_blocks_away RENAME TO ip_blocks");
      await env.DB.prepare("DELETE FROM ip_blocks WHERE id = 'blk_outage'").run();
      invalidateBlockList();
    }
  });

  it("never makes a request wait on another's reload: during one, the others answer from the stale copy without reading D1", async () => {
    invalidateBlockList();
    const now = Date.now();
    expect(await isIpBlocked(env.DB, "192.0.2.79", now)).toBe(false);
    await env.DB.prepare(
      "INSERT INTO ip_blocks (id, ip, reason, source, created_at, expires_at) VALUES ('blk_lease', '192.0.2.79', NULL, 'manual', ?1, NULL)",
    )
      .bind(now)
      .run();
    let reads = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A D1 whose reads of the block list hang until released: the first stale request's reload.
    const slow = new Proxy(env.DB, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop);
        if (prop !== "prepare") return typeof value === "function" ? value.bind(target) : value;
        return (sql: string) => {
          const statement = target.prepare(sql);
          return new Proxy(statement, {
            get: (st, p) => {
              const v = Reflect.get(st, p);
              if (p === "bind")
                return (...args: unknown[]) => {
                  const bound = st.bind(...args);
                  return new Proxy(bound, {
                    get: (b, q) => {
                      const w = Reflect.get(b, q);
                      if (q !== "all") return typeof w === "function" ? w.bind(b) : w;
                      return async () => {
                        reads++;
                        await gate;
                        return b.all();
                      };
                    },
                  });
                };
              return typeof v === "function" ? v.bind(st) : v;
            },
          });
        };
      },
    });
    const stale = now + CACHE_TTL_MS;
    const reloading = isIpBlocked(slow, "192.0.2.79", stale);
    // Other requests during the reload: the stale copy (not yet blocked), no read of their own.
    expect(await isIpBlocked(slow, "192.0.2.79", stale + 1)).toBe(false);
    expect(await isIpBlocked(slow, "192.0.2.79", stale + REFRESH_LEASE_MS - 1)).toBe(false);
    expect(reads).toBe(1);
    // A reload that outlives its lease no longer holds the others back: the next one reads itself.
    const second = isIpBlocked(slow, "192.0.2.79", stale + REFRESH_LEASE_MS);
    expect(reads).toBe(2);
    release();
    expect(await reloading).toBe(true);
    expect(await second).toBe(true);
    await env.DB.prepare("DELETE FROM ip_blocks WHERE id = 'blk_lease'").run();
    invalidateBlockList();
  });
});
