import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  ACTIVE_TTL_MS,
  cachedSessionCount,
  MAX_ENTRIES,
  markSessionRevoked,
  sessionStatus,
} from "../../../src/services/auth/session-status";
import { claimsOf, signedInUser } from "../../auth-helpers";

async function liveSession(): Promise<string> {
  const { tokens } = await signedInUser();
  return claimsOf(tokens.access_token).sid as string;
}

/** Revokes a session straight in D1, as another isolate's logout would. */
async function revokeElsewhere(sessionId: string): Promise<void> {
  await env.DB.prepare("UPDATE sessions SET revoked_at = ?2, revoked_reason = 'logout' WHERE id = ?1")
    .bind(sessionId, Date.now())
    .run();
}

describe("sessionStatus (access-token revocation check)", () => {
  it("sees a revocation made elsewhere once the 4 s cache entry is stale, within the 5 s contract", async () => {
    expect(ACTIVE_TTL_MS).toBeLessThan(5_000);
    const sid = await liveSession();
    const t0 = 1_000_000;
    expect(await sessionStatus(env.DB, sid, t0)).toBe("active");
    await revokeElsewhere(sid);
    // Inside the TTL the isolate still trusts its cached answer (no D1 read per request)…
    expect(await sessionStatus(env.DB, sid, t0 + ACTIVE_TTL_MS - 1)).toBe("active");
    // …and re-reads as soon as it is stale.
    expect(await sessionStatus(env.DB, sid, t0 + ACTIVE_TTL_MS)).toBe("revoked");
  });

  it("answers a revocation made in this isolate at once", async () => {
    const sid = await liveSession();
    expect(await sessionStatus(env.DB, sid, 5_000_000)).toBe("active");
    markSessionRevoked(sid);
    expect(await sessionStatus(env.DB, sid, 5_000_001)).toBe("revoked");
  });

  it("treats an unknown session as revoked", async () => {
    expect(await sessionStatus(env.DB, "ses_doesnotexist000000000000", 1)).toBe("revoked");
  });

  it("keeps a revoked answer for good: a revoked family never comes back", async () => {
    const sid = await liveSession();
    await revokeElsewhere(sid);
    expect(await sessionStatus(env.DB, sid, 9_000_000)).toBe("revoked");
    await env.DB.prepare("UPDATE sessions SET revoked_at = NULL WHERE id = ?1").bind(sid).run();
    expect(await sessionStatus(env.DB, sid, 9_000_000 + 60 * ACTIVE_TTL_MS)).toBe("revoked");
  });

  it("lets a revocation win over a read that was in flight when it happened", async () => {
    const sid = await liveSession();
    const pending = sessionStatus(env.DB, sid, 20_000_000);
    markSessionRevoked(sid);
    await pending;
    expect(await sessionStatus(env.DB, sid, 20_000_001)).toBe("revoked");
  });

  it("keeps at most MAX_ENTRIES session ids", async () => {
    for (let i = 0; i < MAX_ENTRIES + 50; i++) markSessionRevoked(`ses_bound_${i}`);
    expect(cachedSessionCount()).toBe(MAX_ENTRIES);
    // The oldest were evicted: an evicted id is read again (and, unknown, is revoked).
    expect(await sessionStatus(env.DB, "ses_bound_0", 1)).toBe("revoked");
  });
});
