import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/cron";
import type { AuditDraft } from "../../src/services/audit/chain";
import { sequencer } from "../../src/services/audit/pipeline";
import { verifyChain } from "../../src/services/audit/verify";
import { auditRows } from "../audit-helpers";

const DAY = 86_400_000;

function draft(tag: string, ts: number): AuditDraft {
  return {
    ts,
    request_id: tag,
    event: "api.request",
    account_id: null,
    key_id: null,
    method: "GET",
    endpoint: "/health",
    status: 200,
    ip: null,
    country: null,
    user_agent: null,
    latency_ms: 1,
    details: "{}",
  };
}

async function runRetention(now: number): Promise<void> {
  const ctx = createExecutionContext();
  await runScheduled(createScheduledController({ cron: "17 3 * * *", scheduledTime: now }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("audit-retention cron job", () => {
  it("purges entries older than AUDIT_RETENTION_DAYS as a chain prefix and keeps the rest verifiable", async () => {
    const now = Date.now();
    const old = now - 731 * DAY;
    await sequencer(env).append(crypto.randomUUID(), [
      draft("old-1", old),
      draft("old-2", old + 1),
      draft("old-3", old + 2),
    ]);
    // A young entry, then one whose clock says old: only a prefix goes, so the latter stays.
    await sequencer(env).append(crypto.randomUUID(), [draft("young-1", now - DAY), draft("late-old", old + 3)]);
    const before = await auditRows();
    const lastOld = before.find((r) => r.request_id === "old-3");

    await runRetention(now);

    const after = await auditRows();
    expect(after.map((r) => r.request_id)).not.toContain("old-1");
    expect(after.map((r) => r.request_id)).not.toContain("old-3");
    expect(after.map((r) => r.request_id)).toEqual(expect.arrayContaining(["young-1", "late-old"]));
    expect(after[0]?.seq).toBe((lastOld?.seq ?? 0) + 1);
    const anchor = await env.DB.prepare("SELECT seq, hash FROM audit_anchor").first();
    expect(anchor).toEqual({ seq: lastOld?.seq, hash: lastOld?.hash });
    expect(await verifyChain(env, { limit: 100_000 })).toMatchObject({
      valid: true,
      head_checked: true,
      from_id: `aud_${(lastOld?.seq ?? 0) + 1}`,
    });

    // Tampering with the anchor is caught at the first kept entry.
    await env.DB.prepare("UPDATE audit_anchor SET hash = ?1").bind("f".repeat(64)).run();
    expect(await verifyChain(env, { limit: 100_000 })).toMatchObject({ valid: false, reason: "broken_link" });
    await env.DB.prepare("UPDATE audit_anchor SET hash = ?1").bind(lastOld?.hash).run();
  });

  it("purges old security events and long-expired IP blocks, keeping recent ones", async () => {
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO security_events (id, type, ip, account_id, details, ts) VALUES (?1, 'ip_blocked', NULL, NULL, '{}', ?2)",
      ).bind("sev_old", now - 800 * DAY),
      env.DB.prepare(
        "INSERT INTO security_events (id, type, ip, account_id, details, ts) VALUES (?1, 'ip_blocked', NULL, NULL, '{}', ?2)",
      ).bind("sev_new", now - DAY),
      env.DB.prepare(
        "INSERT INTO ip_blocks (id, ip, reason, source, created_at, expires_at) VALUES ('blk_gone', '192.0.2.1', NULL, 'automatic', ?1, ?2)",
      ).bind(now - 60 * DAY, now - 40 * DAY),
      env.DB.prepare(
        "INSERT INTO ip_blocks (id, ip, reason, source, created_at, expires_at) VALUES ('blk_recent', '192.0.2.2', NULL, 'automatic', ?1, ?2)",
      ).bind(now - 2 * DAY, now - DAY),
      env.DB.prepare(
        "INSERT INTO ip_blocks (id, ip, reason, source, created_at, expires_at) VALUES ('blk_forever', '192.0.2.3', NULL, 'manual', ?1, NULL)",
      ).bind(now - 90 * DAY),
    ]);
    await runRetention(now);
    const events = await env.DB.prepare("SELECT id FROM security_events WHERE id IN ('sev_old', 'sev_new')").all();
    expect(events.results).toEqual([{ id: "sev_new" }]);
    const blocks = await env.DB.prepare("SELECT id FROM ip_blocks WHERE id LIKE 'blk_%' ORDER BY id").all();
    expect(blocks.results).toEqual([{ id: "blk_forever" }, { id: "blk_recent" }]);
  });
});
