import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/cron";
import { spoolDrafts } from "../../src/db/audit-log";
import type { AuditDraft } from "../../src/services/audit/chain";
import { deliver, sequencer } from "../../src/services/audit/pipeline";
import { flushed } from "../audit-helpers";

function draft(tag: string, fields: Partial<AuditDraft> = {}): AuditDraft {
  return {
    ts: Date.now(),
    request_id: tag,
    event: "api.request",
    account_id: null,
    key_id: null,
    method: "GET",
    endpoint: "/api/v1/me",
    status: 200,
    ip: null,
    country: null,
    user_agent: null,
    latency_ms: 1,
    details: "{}",
    ...fields,
  };
}

async function runMonitor(now = Date.now()): Promise<void> {
  const ctx = createExecutionContext();
  await runScheduled(createScheduledController({ cron: "* * * * *", scheduledTime: now }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function concurrentEvents(accountId: string) {
  const { results } = await env.DB.prepare(
    "SELECT details FROM security_events WHERE type = 'concurrent_sessions' AND account_id = ?1",
  )
    .bind(accountId)
    .all<{ details: string }>();
  return results.map((r) => JSON.parse(r.details));
}

describe("audit-monitor cron job", () => {
  it("raises concurrent_sessions once for an account active from more than 5 IPs within 10 minutes", async () => {
    const now = Date.now();
    const busy = `usr_busy_${crypto.randomUUID().slice(0, 6)}`;
    const calm = `usr_calm_${crypto.randomUUID().slice(0, 6)}`;
    await sequencer(env).append(crypto.randomUUID(), [
      ...Array.from({ length: 6 }, (_, i) =>
        draft(`busy-${i}`, { account_id: busy, ip: `192.0.2.${i + 1}`, ts: now - 60_000 }),
      ),
      // Five IPs now and a sixth long ago: not concurrent.
      ...Array.from({ length: 5 }, (_, i) =>
        draft(`calm-${i}`, { account_id: calm, ip: `192.0.2.${i + 1}`, ts: now - 60_000 }),
      ),
      draft("calm-old", { account_id: calm, ip: "192.0.2.200", ts: now - 11 * 60_000 }),
    ]);
    await flushed();

    await runMonitor(now);
    const [event] = await concurrentEvents(busy);
    expect(event).toMatchObject({ distinct_ips: 6, window_seconds: 600 });
    expect([...event.ips].sort()).toEqual(Array.from({ length: 6 }, (_, i) => `192.0.2.${i + 1}`).sort());
    expect(await concurrentEvents(calm)).toEqual([]);

    // Still true a minute later: deduplicated, not raised again.
    await runMonitor(now + 60_000);
    expect(await concurrentEvents(busy)).toHaveLength(1);
  });

  it("hands batches spooled during a sequencer outage back to it, once", async () => {
    const id = crypto.randomUUID();
    await spoolDrafts(env.DB, id, [draft("spooled-1"), draft("spooled-2")], Date.now());
    await runMonitor();
    await runMonitor();
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE request_id LIKE 'spooled-%'").first();
    expect(rows).toEqual({ n: 2 });
    expect(await env.DB.prepare("SELECT id FROM audit_spool WHERE id = ?1").bind(id).first()).toBeNull();
  });

  it("spools a batch to D1 when the sequencer cannot be reached", async () => {
    // The binding answers with errors, as during an outage of the Durable Object.
    const unreachable = {
      ...env,
      AUDIT: {
        idFromName: env.AUDIT.idFromName.bind(env.AUDIT),
        get: () => ({ append: () => Promise.reject(new Error("Durable Object unavailable")) }),
      },
    } as unknown as Env;
    const id = crypto.randomUUID();
    await deliver(unreachable, id, [draft("outage-1")]);
    const spooled = await env.DB.prepare("SELECT drafts FROM audit_spool WHERE id = ?1")
      .bind(id)
      .first<{ drafts: string }>();
    expect(JSON.parse(spooled?.drafts ?? "[]")).toMatchObject([{ request_id: "outage-1" }]);
    await runMonitor();
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE request_id = 'outage-1'").first()).toEqual({
      n: 1,
    });
  });
});
