import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const limiter = (name: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));

describe("RateLimiter.claimSignature (replay store)", () => {
  it("admits a signature once and refuses it again until it expires", async () => {
    const stub = limiter(`key:test_${crypto.randomUUID()}`);
    const until = Date.now() + 60_000;
    expect(await stub.claimSignature("a".repeat(64), until)).toBe(true);
    expect(await stub.claimSignature("a".repeat(64), until)).toBe(false);
    expect(await stub.claimSignature("b".repeat(64), until)).toBe(true);
  });

  it("admits exactly one of many concurrent claims of one signature", async () => {
    const stub = limiter(`key:test_${crypto.randomUUID()}`);
    const until = Date.now() + 60_000;
    const results = await Promise.all(Array.from({ length: 25 }, () => stub.claimSignature("c".repeat(64), until)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("forgets signatures whose window has passed, so storage stays bounded", async () => {
    const stub = limiter(`key:test_${crypto.randomUUID()}`);
    expect(await stub.claimSignature("d".repeat(64), Date.now() - 1)).toBe(true);
    expect(await stub.claimSignature("e".repeat(64), Date.now() + 60_000)).toBe(true);
    const rows = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec<{ signature: string }>("SELECT signature FROM seen_signatures").toArray(),
    );
    expect(rows.map((r) => r.signature)).toEqual(["e".repeat(64)]);
  });

  it("keeps one key's signatures apart from another's", async () => {
    const until = Date.now() + 60_000;
    expect(await limiter(`key:test_${crypto.randomUUID()}`).claimSignature("f".repeat(64), until)).toBe(true);
    expect(await limiter(`key:test_${crypto.randomUUID()}`).claimSignature("f".repeat(64), until)).toBe(true);
  });

  it("keeps a signature that could still be replayed when its cleanup alarm runs", async () => {
    const stub = limiter(`key:test_${crypto.randomUUID()}`);
    expect(await stub.claimSignature("g".repeat(64), Date.now() + 60_000)).toBe(true);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.claimSignature("g".repeat(64), Date.now() + 60_000)).toBe(false);
  });

  it("deletes the object's storage once every remembered signature has expired", async () => {
    const stub = limiter(`key:test_${crypto.randomUUID()}`);
    expect(await stub.claimSignature("h".repeat(64), Date.now() - 1)).toBe(true);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const tables = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%'")
        .toArray(),
    );
    expect(tables).toEqual([]);
    // …and the object starts afresh, recreating its table on the next claim.
    expect(await stub.claimSignature("h".repeat(64), Date.now() + 60_000)).toBe(true);
  });

  it("creates no replay table for subjects that never sign", async () => {
    const stub = limiter(`ip:test_${crypto.randomUUID()}`);
    expect(await stub.ping()).toBe("pong");
    const tables = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE name = 'seen_signatures'")
        .toArray(),
    );
    expect(tables).toEqual([]);
  });
});
