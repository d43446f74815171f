import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/lib/crypto";
import {
  type AuditDraft,
  canonicalContent,
  canonicalJson,
  entryHash,
  findBreak,
  GENESIS_HASH,
  seal,
} from "../../../src/services/audit/chain";

function draft(n: number, overrides: Partial<AuditDraft> = {}): AuditDraft {
  return {
    ts: 1_767_225_600_000 + n,
    request_id: `req_${n}`,
    event: "api.request",
    account_id: "usr_a",
    key_id: null,
    method: "GET",
    endpoint: "/api/v1/me",
    status: 200,
    ip: "203.0.113.7",
    country: "DE",
    user_agent: "ua",
    latency_ms: 3,
    details: "{}",
    ...overrides,
  };
}

const genesis = { seq: 0, hash: GENESIS_HASH };

describe("canonical content", () => {
  it("sorts object keys at every level so equal values give equal text", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it("hashes the predecessor's hash followed by the fields in a fixed order, sequence included", async () => {
    const entry = { ...draft(1), seq: 7 };
    expect(canonicalContent(entry)).toBe(
      '[7,1767225600001,"req_1","api.request","usr_a",null,"GET","/api/v1/me",200,"203.0.113.7","DE","ua",3,"{}"]',
    );
    expect(await entryHash("ab", entry)).toBe(await sha256Hex(`ab${canonicalContent(entry)}`));
  });
});

describe("seal and findBreak", () => {
  it("numbers drafts after the head and links each to its predecessor", async () => {
    const { rows, head } = await seal(genesis, [draft(1), draft(2), draft(3)]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    expect(rows[1]?.prev_hash).toBe(rows[0]?.hash);
    expect(head).toEqual({ seq: 3, hash: rows[2]?.hash });
    expect(await findBreak(genesis, rows)).toBeNull();

    const more = await seal(head, [draft(4)]);
    expect(more.rows[0]).toMatchObject({ seq: 4, prev_hash: head.hash });
    expect(await findBreak(genesis, [...rows, ...more.rows])).toBeNull();
  });

  it("reports a changed field as hash_mismatch at that row", async () => {
    const { rows } = await seal(genesis, [draft(1), draft(2), draft(3)]);
    const tampered = rows.map((r) => (r.seq === 2 ? { ...r, status: 500 } : r));
    const broken = await findBreak(genesis, tampered);
    expect(broken?.reason).toBe("hash_mismatch");
    expect(broken?.row.seq).toBe(2);
  });

  it("reports a recomputed hash as broken_link at the next row", async () => {
    const { rows } = await seal(genesis, [draft(1), draft(2), draft(3)]);
    const edited = { ...(rows[1] as (typeof rows)[number]), account_id: "usr_other" };
    edited.hash = await entryHash(edited.prev_hash, edited);
    const broken = await findBreak(genesis, [rows[0], edited, rows[2]] as typeof rows);
    expect(broken).toMatchObject({ reason: "broken_link", row: { seq: 3 } });
  });

  it("reports a deleted row as sequence_gap and a wrong start as a gap too", async () => {
    const { rows } = await seal(genesis, [draft(1), draft(2), draft(3)]);
    expect(await findBreak(genesis, [rows[0], rows[2]] as typeof rows)).toMatchObject({
      reason: "sequence_gap",
      row: { seq: 3 },
    });
    expect(await findBreak(genesis, rows.slice(1))).toMatchObject({ reason: "sequence_gap", row: { seq: 2 } });
  });

  it("verifies a kept suffix from an anchor holding the last removed row", async () => {
    const { rows } = await seal(genesis, [draft(1), draft(2), draft(3), draft(4)]);
    const anchor = { seq: 2, hash: rows[1]?.hash as string };
    expect(await findBreak(anchor, rows.slice(2))).toBeNull();
    expect(await findBreak({ seq: 2, hash: GENESIS_HASH }, rows.slice(2))).toMatchObject({ reason: "broken_link" });
  });
});
