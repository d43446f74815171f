import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AuditDraft, AuditRow } from "../../src/services/audit/chain";
import { findBreak, GENESIS_HASH } from "../../src/services/audit/chain";
import { sequencer } from "../../src/services/audit/pipeline";

function drafts(tag: string, n: number): AuditDraft[] {
  return Array.from({ length: n }, (_, i) => ({
    ts: Date.now(),
    request_id: `${tag}-${i}`,
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
  }));
}

async function allRows(): Promise<AuditRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM audit_log ORDER BY seq").all<AuditRow>();
  return results;
}

async function countTagged(tag: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE request_id LIKE ?1")
    .bind(`${tag}-%`)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("AuditSequencer", () => {
  it("chains concurrent appends into one gapless chain and delivers them to D1", async () => {
    const stub = sequencer(env);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, b) => stub.append(crypto.randomUUID(), drafts(`conc${b}`, 25))),
    );
    expect(results.every((r) => r.delivered)).toBe(true);
    // Each batch got a contiguous range and the ranges do not overlap.
    const ranges = results.map((r) => [r.first_seq, r.last_seq] as const).sort((a, b) => a[0] - b[0]);
    for (const [i, [first, last]] of ranges.entries()) {
      expect(last - first).toBe(24);
      if (i > 0) expect(first).toBe((ranges[i - 1]?.[1] ?? 0) + 1);
    }
    const rows = await allRows();
    expect(rows.length).toBeGreaterThanOrEqual(500);
    expect(await findBreak({ seq: 0, hash: GENESIS_HASH }, rows)).toBeNull();
    const status = await stub.status();
    expect(status).toMatchObject({ pending: 0, seq: rows.at(-1)?.seq, delivered_seq: rows.at(-1)?.seq });
    expect(status.delivered_hash).toBe(rows.at(-1)?.hash);
  });

  it("applies a retried batch id once", async () => {
    const stub = sequencer(env);
    const id = crypto.randomUUID();
    const batch = drafts("retry", 3);
    const first = await stub.append(id, batch);
    const again = await stub.append(id, batch);
    expect(again).toMatchObject({ first_seq: first.first_seq, last_seq: first.last_seq });
    expect(await countTagged("retry")).toBe(3);
  });

  it("keeps accepted entries while D1 refuses them and delivers them from its alarm", async () => {
    const stub = sequencer(env);
    await env.DB.exec("ALTER TABLE audit_log RENAME TO audit_log_away");
    let result: Awaited<ReturnType<typeof stub.append>>;
    try {
      result = await stub.append(crypto.randomUUID(), drafts("outage", 4));
      expect(result.delivered).toBe(false);
      expect((await stub.status()).pending).toBe(4);
    } finally {
      await env.DB.exec("ALTER TABLE audit_log_away RENAME TO audit_log");
    }
    expect(await countTagged("outage")).toBe(0);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await countTagged("outage")).toBe(4);
    expect((await stub.status()).pending).toBe(0);
    expect(await findBreak({ seq: 0, hash: GENESIS_HASH }, await allRows())).toBeNull();
  });

  it("continues the chain stored in D1 when it starts without state of its own", async () => {
    await sequencer(env).append(crypto.randomUUID(), drafts("before-restart", 2));
    const rows = await allRows();
    const fresh = env.AUDIT.get(env.AUDIT.idFromName(`fresh-${crypto.randomUUID()}`));
    const status = await fresh.status();
    expect(status).toMatchObject({ seq: rows.at(-1)?.seq, hash: rows.at(-1)?.hash, pending: 0 });
    await runInDurableObject(fresh, async (_instance, state) => {
      expect(state.storage.sql.exec("SELECT seq FROM head").toArray()).toEqual([]);
    });
  });
});
