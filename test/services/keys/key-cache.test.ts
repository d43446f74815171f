import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cachedKeyCount, forgetKey, lookupKey, MAX_ENTRIES, TTL_MS } from "../../../src/services/keys/key-cache";
import { hashApiKey } from "../../../src/services/keys/material";
import { account, createKey } from "../../key-helpers";

/** Revokes a key straight in D1, as another isolate's request would. */
async function revokeElsewhere(keyId: string): Promise<void> {
  await env.DB.prepare(
    "UPDATE api_keys SET status = 'revoked', revoked_at = ?2, revoked_reason = 'revoked' WHERE id = ?1",
  )
    .bind(keyId, Date.now())
    .run();
}

async function freshKey() {
  const owner = await account("trader");
  const key = await createKey(owner.headers);
  return { key, hash: await hashApiKey(key.api_key) };
}

describe("lookupKey (the in-isolate key cache)", () => {
  it("serves a key from the cache within 4 s and sees a revocation made elsewhere once stale (< 5 s)", async () => {
    expect(TTL_MS).toBeLessThan(5_000);
    const { key, hash } = await freshKey();
    const t0 = 1_000_000;
    expect((await lookupKey(env.DB, hash, t0))?.status).toBe("active");
    await revokeElsewhere(key.key_id);
    // Inside the TTL: no D1 read, the cached answer stands…
    expect((await lookupKey(env.DB, hash, t0 + TTL_MS - 1))?.status).toBe("active");
    // …and the first lookup after it re-reads.
    expect((await lookupKey(env.DB, hash, t0 + TTL_MS))?.status).toBe("revoked");
  });

  it("forgets a key at once when this isolate changes it", async () => {
    const { key, hash } = await freshKey();
    expect((await lookupKey(env.DB, hash, 2_000_000))?.status).toBe("active");
    await revokeElsewhere(key.key_id);
    forgetKey(key.key_id);
    expect((await lookupKey(env.DB, hash, 2_000_001))?.status).toBe("revoked");
  });

  it("does not cache a read that raced with a change in this isolate", async () => {
    const { key, hash } = await freshKey();
    const pending = lookupKey(env.DB, hash, 3_000_000);
    await revokeElsewhere(key.key_id);
    forgetKey(key.key_id);
    await pending;
    expect((await lookupKey(env.DB, hash, 3_000_001))?.status).toBe("revoked");
  });

  it("keeps revoked answers for good", async () => {
    const { key, hash } = await freshKey();
    await revokeElsewhere(key.key_id);
    expect((await lookupKey(env.DB, hash, 4_000_000))?.status).toBe("revoked");
    await env.DB.prepare("UPDATE api_keys SET status = 'active', revoked_at = NULL WHERE id = ?1")
      .bind(key.key_id)
      .run();
    expect((await lookupKey(env.DB, hash, 4_000_000 + 100 * TTL_MS))?.status).toBe("revoked");
  });

  it("answers unknown hashes with null and stays within MAX_ENTRIES", async () => {
    expect(await lookupKey(env.DB, "0".repeat(64), 5_000_000)).toBeNull();
    expect(cachedKeyCount()).toBeGreaterThan(0);
    expect(cachedKeyCount()).toBeLessThanOrEqual(MAX_ENTRIES);
  });
});
