import { sha256Hex } from "../../lib/crypto";

/**
 * The audit log's hash chain (pure, no I/O). Every entry stores its predecessor's hash and its
 * own: `hash = SHA-256(prev_hash + canonical(entry))`, where `canonical` is a JSON array of the
 * entry's fields in a fixed order, `seq` included, so changing, reordering or removing a row
 * breaks the link to every row after it.
 */

/** `prev_hash` of the very first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** An entry as a request produces it, before the sequencer numbers and chains it. */
export interface AuditDraft {
  /** Epoch ms of the event. */
  ts: number;
  request_id: string | null;
  event: string;
  account_id: string | null;
  key_id: string | null;
  method: string | null;
  endpoint: string | null;
  status: number | null;
  ip: string | null;
  country: string | null;
  user_agent: string | null;
  latency_ms: number | null;
  /** Canonical JSON text (see `canonicalJson`). */
  details: string;
}

/** A numbered, chained entry: exactly a row of `audit_log`. */
export interface AuditRow extends AuditDraft {
  seq: number;
  prev_hash: string;
  hash: string;
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The exact text hashed for an entry (its predecessor's hash is prepended). */
export function canonicalContent(entry: AuditDraft & { seq: number }): string {
  return JSON.stringify([
    entry.seq,
    entry.ts,
    entry.request_id,
    entry.event,
    entry.account_id,
    entry.key_id,
    entry.method,
    entry.endpoint,
    entry.status,
    entry.ip,
    entry.country,
    entry.user_agent,
    entry.latency_ms,
    entry.details,
  ]);
}

/** The hash of an entry given its predecessor's hash. */
export function entryHash(prevHash: string, entry: AuditDraft & { seq: number }): Promise<string> {
  return sha256Hex(prevHash + canonicalContent(entry));
}

/** Numbers and chains drafts after the head `(seq, hash)`; returns the rows and the new head. */
export async function seal(
  head: { seq: number; hash: string },
  drafts: AuditDraft[],
): Promise<{ rows: AuditRow[]; head: { seq: number; hash: string } }> {
  const rows: AuditRow[] = [];
  let { seq, hash } = head;
  for (const draft of drafts) {
    seq += 1;
    const prev = hash;
    hash = await entryHash(prev, { ...draft, seq });
    rows.push({ ...draft, seq, prev_hash: prev, hash });
  }
  return { rows, head: { seq, hash } };
}

/** Why a row fails verification. */
export type ChainBreak = "sequence_gap" | "broken_link" | "hash_mismatch";

/**
 * Checks consecutive rows against the expected predecessor `(seq, hash)`. Returns the first row
 * that breaks the chain and why, or null when every row holds.
 */
export async function findBreak(
  previous: { seq: number; hash: string },
  rows: AuditRow[],
): Promise<{ row: AuditRow; reason: ChainBreak } | null> {
  let expected = previous;
  for (const row of rows) {
    if (row.seq !== expected.seq + 1) return { row, reason: "sequence_gap" };
    if (row.prev_hash !== expected.hash) return { row, reason: "broken_link" };
    if ((await entryHash(row.prev_hash, row)) !== row.hash) return { row, reason: "hash_mismatch" };
    expected = { seq: row.seq, hash: row.hash };
  }
  return null;
}
