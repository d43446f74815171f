import { describe, expect, it } from "vitest";
import { TtlCache } from "../../src/lib/ttl-cache";

describe("TtlCache", () => {
  it("serves a value until it expires", () => {
    const cache = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 10 });
    cache.set("a", 1, 1000);
    expect(cache.get("a", 1099)).toBe(1);
    expect(cache.get("a", 1100)).toBeUndefined();
    expect(cache.size).toBe(0); // an expired entry is dropped when found
    expect(cache.get("missing", 0)).toBeUndefined();
  });

  it("evicts the least recently used entry beyond its size", () => {
    const cache = new TtlCache<string, number>({ ttlMs: 1000, maxEntries: 2 });
    cache.set("a", 1, 0);
    cache.set("b", 2, 0);
    expect(cache.get("a", 1)).toBe(1); // "a" is now the most recent
    cache.set("c", 3, 2);
    expect(cache.size).toBe(2);
    expect(cache.get("b", 3)).toBeUndefined();
    expect(cache.get("a", 3)).toBe(1);
    expect(cache.get("c", 3)).toBe(3);
  });

  it("replaces a value and restarts its lifetime", () => {
    const cache = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 2 });
    cache.set("a", 1, 0);
    cache.set("a", 2, 90);
    expect(cache.get("a", 150)).toBe(2);
    cache.clear();
    expect(cache.get("a", 150)).toBeUndefined();
  });
});
