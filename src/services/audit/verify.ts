import { auditRowBySeq, chainPage, readAnchor } from "../../db/audit-log";
import { decodeCursor, encodeCursor } from "../../lib/keyset-cursor";
import { logger } from "../../lib/log";
import { type AuditRow, findBreak, GENESIS_HASH } from "./chain";
import { sequencer } from "./pipeline";
import { auditId } from "./query";

const PAGE = 1000;

/** What went wrong at the first invalid position. */
export type VerifyFailure =
  | "sequence_gap"
  | "broken_link"
  | "hash_mismatch"
  | "truncated"
  | "head_mismatch"
  | "unexpected_row";

export interface VerifyResult {
  valid: boolean;
  checked: number;
  first_invalid_id: string | null;
  reason: VerifyFailure | null;
  /** First and last entry checked by this call. */
  from_id: string | null;
  to_id: string | null;
  /** False when `limit` stopped the walk: continue with `next_cursor`. */
  complete: boolean;
  next_cursor: string | null;
  /** Whether the end of the table was compared with the sequencer's own record of the chain head. */
  head_checked: boolean;
}

async function sequencerHead(env: Env): Promise<{ seq: number; hash: string } | null> {
  try {
    const status = await sequencer(env).status();
    return { seq: status.delivered_seq, hash: status.delivered_hash };
  } catch (err) {
    logger.error("audit_sequencer_unreachable", { error: err instanceof Error ? err.message : String(err) });
    return null;
  }
}

/**
 * Walks the chain from the retention anchor (or `cursor`) for at most `limit` entries and reports
 * the first break. On reaching the end it also compares the table with the sequencer's record
 * of what it delivered, which catches what a chain alone cannot: rows cut off the end, a chain
 * rewritten from scratch with fresh hashes, and rows appended by someone else.
 */
export async function verifyChain(env: Env, q: { limit: number; cursor?: string }): Promise<VerifyResult> {
  const headBefore = await sequencerHead(env);
  let previous: { seq: number; hash: string };
  if (q.cursor) {
    const c = decodeCursor(q.cursor, { s: "number", h: "string" });
    previous = { seq: c.s, hash: c.h };
  } else {
    previous = (await readAnchor(env.DB)) ?? { seq: 0, hash: GENESIS_HASH };
  }
  const start = previous;
  let checked = 0;
  let first: AuditRow | null = null;
  let last: AuditRow | null = null;
  let headRow: AuditRow | null = null;
  const result = (partial: Partial<VerifyResult>): VerifyResult => ({
    valid: true,
    checked,
    first_invalid_id: null,
    reason: null,
    from_id: first ? auditId(first.seq) : null,
    to_id: last ? auditId(last.seq) : null,
    complete: true,
    next_cursor: null,
    head_checked: false,
    ...partial,
  });

  for (;;) {
    const want = Math.min(PAGE, q.limit - checked);
    if (want <= 0) {
      return result({ complete: false, next_cursor: encodeCursor({ s: previous.seq, h: previous.hash }) });
    }
    const rows = await chainPage(env.DB, previous.seq, want);
    if (rows.length === 0) break;
    const broken = await findBreak(previous, rows);
    const good = broken ? rows.slice(0, rows.indexOf(broken.row)) : rows;
    checked += good.length + (broken ? 1 : 0);
    first ??= rows[0] ?? null;
    last = broken ? broken.row : (good.at(-1) ?? last);
    if (headBefore) headRow = good.find((r) => r.seq === headBefore.seq) ?? headRow;
    if (broken) return result({ valid: false, first_invalid_id: auditId(broken.row.seq), reason: broken.reason });
    const tail = rows.at(-1) as AuditRow;
    previous = { seq: tail.seq, hash: tail.hash };
    if (rows.length < want) break;
  }

  // The whole table holds. Now compare its end with the sequencer's record.
  const headAfter = await sequencerHead(env);
  if (!headBefore || !headAfter) return result({});
  if (previous.seq > headAfter.seq) {
    return result({
      valid: false,
      first_invalid_id: auditId(headAfter.seq + 1),
      reason: "unexpected_row",
      head_checked: true,
    });
  }
  if (headBefore.seq > previous.seq) {
    return result({
      valid: false,
      first_invalid_id: auditId(previous.seq + 1),
      reason: "truncated",
      head_checked: true,
    });
  }
  if (headBefore.seq > start.seq) {
    const row = headRow ?? (await auditRowBySeq(env.DB, headBefore.seq));
    if (!row || row.hash !== headBefore.hash) {
      return result({
        valid: false,
        first_invalid_id: auditId(headBefore.seq),
        reason: "head_mismatch",
        head_checked: true,
      });
    }
  } else if (headBefore.seq === start.seq && headBefore.seq > 0 && start.hash !== headBefore.hash) {
    return result({ valid: false, first_invalid_id: auditId(start.seq), reason: "head_mismatch", head_checked: true });
  }
  return result({ head_checked: true });
}
