import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuditRow, entryHash } from "../../src/services/audit/chain";
import { verifyChain } from "../../src/services/audit/verify";
import { auditRows, flushed } from "../audit-helpers";
import { authHeader, call, json } from "../helpers";

let admin: Record<string, string>;

async function verify(query = ""): Promise<Record<string, unknown>> {
  await flushed();
  const res = await call(`/api/v1/admin/audit/verify${query}`, { headers: admin });
  expect(res.status).toBe(200);
  return json(res);
}

async function restore(rows: AuditRow[]): Promise<void> {
  const columns = Object.keys(rows[0] as AuditRow);
  await env.DB.batch(
    rows.map((row) =>
      env.DB.prepare(
        `INSERT OR REPLACE INTO audit_log (${columns.join(", ")}) VALUES (${columns.map((_, i) => `?${i + 1}`).join(", ")})`,
      ).bind(...columns.map((c) => row[c as keyof AuditRow])),
    ),
  );
}

beforeAll(async () => {
  admin = await authHeader("admin", "usr_verify_admin");
  for (let i = 0; i < 6; i++) await call("/health");
});

describe("GET /api/v1/admin/audit/verify", () => {
  it("reports an intact chain with how many entries it checked", async () => {
    await flushed();
    const stored = await auditRows();
    const body = await verify();
    expect(body).toMatchObject({
      valid: true,
      checked: stored.length,
      first_invalid_id: null,
      reason: null,
      complete: true,
      next_cursor: null,
      head_checked: true,
      from_id: "aud_1",
      to_id: `aud_${stored.at(-1)?.seq}`,
    });
  });

  it("reports a row changed in D1 as the first invalid entry", async () => {
    const [target] = await auditRows("seq = 3");
    await env.DB.prepare("UPDATE audit_log SET status = 500, account_id = 'usr_someone' WHERE seq = 3").run();
    try {
      expect(await verify()).toMatchObject({
        valid: false,
        first_invalid_id: "aud_3",
        reason: "hash_mismatch",
        checked: 3,
      });
    } finally {
      await restore([target as AuditRow]);
    }
    expect(await verify()).toMatchObject({ valid: true });
  });

  it("reports a deleted row as a gap", async () => {
    const [target] = await auditRows("seq = 2");
    await env.DB.prepare("DELETE FROM audit_log WHERE seq = 2").run();
    try {
      expect(await verify()).toMatchObject({ valid: false, first_invalid_id: "aud_3", reason: "sequence_gap" });
    } finally {
      await restore([target as AuditRow]);
    }
  });

  it("reports entries cut off the end, which the chain alone cannot show", async () => {
    await flushed();
    const tail = await auditRows("seq > (SELECT MAX(seq) - 2 FROM audit_log)");
    await env.DB.prepare("DELETE FROM audit_log WHERE seq > ?1")
      .bind((tail[0]?.seq ?? 0) - 1)
      .run();
    try {
      expect(await verify()).toMatchObject({
        valid: false,
        reason: "truncated",
        first_invalid_id: `aud_${tail[0]?.seq}`,
      });
    } finally {
      await restore(tail);
    }
  });

  it("reports a chain rewritten from scratch with fresh hashes", async () => {
    await flushed();
    const original = await auditRows();
    // An attacker with D1 access edits row 2 and recomputes every hash after it.
    const rewritten: AuditRow[] = [];
    let prev = original[0] as AuditRow;
    rewritten.push(prev);
    for (const row of original.slice(1)) {
      const changed = { ...row, prev_hash: prev.hash, status: row.seq === 2 ? 204 : row.status };
      changed.hash = await entryHash(changed.prev_hash, changed);
      rewritten.push(changed);
      prev = changed;
    }
    await restore(rewritten);
    try {
      const body = await verify();
      expect(body).toMatchObject({ valid: false, reason: "head_mismatch", head_checked: true });
    } finally {
      await restore(original);
    }
    expect(await verify()).toMatchObject({ valid: true });
  });

  it("reports rows the sequencer never wrote", async () => {
    await flushed();
    const [last] = await auditRows("seq = (SELECT MAX(seq) FROM audit_log)");
    const forged = { ...(last as AuditRow), seq: (last?.seq ?? 0) + 1, prev_hash: last?.hash as string };
    forged.hash = await entryHash(forged.prev_hash, forged);
    await restore([forged]);
    try {
      // Called directly: a request to the route would itself write the entry the forged row took.
      expect(await verifyChain(env, { limit: 100_000 })).toMatchObject({
        valid: false,
        reason: "unexpected_row",
        first_invalid_id: `aud_${forged.seq}`,
      });
    } finally {
      await env.DB.prepare("DELETE FROM audit_log WHERE seq = ?1").bind(forged.seq).run();
    }
    const far = { ...forged, seq: forged.seq + 1000 };
    await restore([far]);
    try {
      expect(await verify()).toMatchObject({
        valid: false,
        reason: "sequence_gap",
        first_invalid_id: `aud_${far.seq}`,
      });
    } finally {
      await env.DB.prepare("DELETE FROM audit_log WHERE seq = ?1").bind(far.seq).run();
    }
  });

  it("walks a long chain in bounded calls that continue with next_cursor", async () => {
    const first = await verify("?limit=2");
    expect(first).toMatchObject({ valid: true, checked: 2, complete: false, from_id: "aud_1", to_id: "aud_2" });
    expect(typeof first.next_cursor).toBe("string");
    const second = await verify(`?limit=1000000&cursor=${first.next_cursor}`);
    expect(second).toMatchObject({ valid: true, complete: true, from_id: "aud_3", next_cursor: null });
  });

  it("refuses a malformed cursor and an out-of-range limit with 400", async () => {
    for (const query of ["?cursor=not-a-cursor", "?limit=0", "?limit=1000001"]) {
      const res = await call(`/api/v1/admin/audit/verify${query}`, { headers: admin });
      expect(res.status).toBe(400);
      expect((await json(res)).error.code).toBe("validation_error");
    }
  });
});
