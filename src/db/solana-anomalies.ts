/** SQL for `solana_anomalies`: written by the scanner (once per event), read newest first. */
import { HOLDS_LEASE } from "./solana-tokens";

/** A stored anomaly; `details` is JSON text. */
export interface AnomalyRow {
  id: string;
  token_address: string;
  anomaly_type: string;
  risk_score: number;
  occurred_at: number;
  details: string;
}

/** An anomaly to store. */
export interface AnomalyWrite {
  id: string;
  anomaly_type: string;
  dedupe_key: string;
  risk_score: number;
  occurred_at: number;
  details: Record<string, unknown>;
}

/**
 * Inserts a token's anomalies while run `runId` holds its scan lease, skipping any whose
 * `dedupe_key` is already stored; returns the rows actually inserted (the new anomalies).
 */
export function insertAnomaliesStatement(
  db: D1Database,
  token: string,
  runId: string,
  rows: readonly AnomalyWrite[],
  now: number,
): D1PreparedStatement {
  const tuples = rows.map((a) => [
    a.id,
    a.anomaly_type,
    a.dedupe_key,
    a.risk_score,
    a.occurred_at,
    JSON.stringify(a.details),
  ]);
  return db
    .prepare(
      `INSERT OR IGNORE INTO solana_anomalies
         (id, token_address, anomaly_type, dedupe_key, risk_score, occurred_at, detected_at, details)
       SELECT value ->> 0, ?1, value ->> 1, value ->> 2, value ->> 3, value ->> 4, ?4, value ->> 5
       FROM json_each(?3) WHERE ${HOLDS_LEASE} ORDER BY key
       RETURNING id, token_address, anomaly_type, risk_score, occurred_at, details`,
    )
    .bind(token, runId, JSON.stringify(tuples), now);
}

/** The statement reading, per type, the latest occurrence time of a token's anomalies of these types since `since`. */
export function latestByTypeStatement(
  db: D1Database,
  token: string,
  types: readonly string[],
  since: number,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT anomaly_type, max(occurred_at) AS occurred_at FROM solana_anomalies
       WHERE token_address = ?1 AND occurred_at > ?3 AND anomaly_type IN (SELECT value FROM json_each(?2))
       GROUP BY anomaly_type`,
    )
    .bind(token, JSON.stringify(types), since);
}

/** Filters of an anomaly listing; times are epoch ms, inclusive. */
export interface AnomalyFilter {
  token_address?: string;
  anomaly_type?: string;
  min_risk_score?: number;
  from?: number;
  to?: number;
  /** Continue after this (occurred_at, id) position, newest first. */
  before?: { occurred_at: number; id: string };
}

/** Anomalies matching `filter`, newest first (ties by id, descending), at most `limit`. */
export async function listAnomalyRows(db: D1Database, filter: AnomalyFilter, limit: number): Promise<AnomalyRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `?${params.length}`;
  };
  if (filter.token_address !== undefined) where.push(`token_address = ${param(filter.token_address)}`);
  if (filter.anomaly_type !== undefined) where.push(`anomaly_type = ${param(filter.anomaly_type)}`);
  if (filter.from !== undefined) where.push(`occurred_at >= ${param(filter.from)}`);
  if (filter.to !== undefined) where.push(`occurred_at <= ${param(filter.to)}`);
  if (filter.before !== undefined) {
    where.push(`(occurred_at, id) < (${param(filter.before.occurred_at)}, ${param(filter.before.id)})`);
  }
  if (filter.min_risk_score !== undefined) where.push(`risk_score >= ${param(filter.min_risk_score)}`);
  const { results } = await db
    .prepare(
      `SELECT id, token_address, anomaly_type, risk_score, occurred_at, details FROM solana_anomalies
       ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY occurred_at DESC, id DESC LIMIT ${param(limit)}`,
    )
    .bind(...params)
    .all<AnomalyRow>();
  return results;
}

/** Risk scores of a token's anomalies in [from, to], newest first, at most `limit`. */
export async function riskScoresInRange(
  db: D1Database,
  token: string,
  span: { from: number; to: number },
  limit: number,
): Promise<number[]> {
  const { results } = await db
    .prepare(
      `SELECT risk_score FROM solana_anomalies
       WHERE token_address = ?1 AND occurred_at >= ?2 AND occurred_at <= ?3
       ORDER BY occurred_at DESC LIMIT ?4`,
    )
    .bind(token, span.from, span.to, limit)
    .all<{ risk_score: number }>();
  return results.map((r) => r.risk_score);
}
