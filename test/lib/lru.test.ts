import { describe, expect, it } from "vitest";
import { LruMap } from "../../src/lib/lru";

describe("LruMap", () => {
  it("keeps at most its capacity, evicting the least recently used", () => {
    const evicted: string[] = [];
    const lru = new LruMap<string, number>(3, (key) => evicted.push(key));
    lru.set("a", 1);
    lru.set("b", 2);
    lru.set("c", 3);
    expect(lru.get("a")).toBe(1); // a is now the most recent
    lru.set("d", 4);
    expect(evicted).toEqual(["b"]);
    expect(lru.size).toBe(3);
    expect(lru.peek("b")).toBeUndefined();
    for (let i = 0; i < 100; i++) lru.set(`k${i}`, i);
    expect(lru.size).toBe(3);
    expect(lru.peek("k99")).toBe(99);
  });

  it("refuses a capacity below one", () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
