/**
 * The anomaly scanner, run by the every-minute cron: claims due monitored tokens, reads only the
 * transfers that arrived since each token's cursor (bounded per run), folds them into 5-minute
 * windows, applies the rules of `rules.ts` and commits windows, anomalies and the new cursor in
 * one D1 batch guarded by the token's lease. Work grows with new data, not with history: every
 * read is an index range over new transfers, a bounded window history or one trailing hour.
 */
import { insertAnomaliesStatement, latestByTypeStatement } from "../../db/solana-anomalies";
import { finishScanStatement } from "../../db/solana-tokens";
import {
  type EdgeRow,
  edgesStatement,
  type PricePoint,
  priceAfterStatement,
  priceAtOrBeforeStatement,
  transfersAfter,
} from "../../db/solana-transfers";
import {
  firstWindowStatement,
  upsertWindowsStatement,
  type WindowRow,
  windowsAtStatement,
  windowsInRangeStatement,
} from "../../db/solana-windows";
import { randomToken } from "../../lib/crypto";
import {
  COOLDOWN_MS,
  type Finding,
  HISTORY_WINDOWS,
  priceMoveFinding,
  TRAILING_MS,
  volumeSpikeFinding,
  WINDOW_MS,
  whaleFinding,
  withinCooldown,
} from "./rules";
import { concentrationFinding, flowMetrics, washTradingFinding } from "./wallet-flow";
import { foldIntoWindows, historyBefore, valueTransfer } from "./windows";

/** Settings of one scan (from configuration). */
export interface ScanSettings {
  now: number;
  whaleUsd: number;
  priceMaxAgeMs: number;
  horizonMs: number;
}

/** A stored anomaly as the API and the alert channel show it. */
export interface NewAnomaly {
  id: string;
  token_address: string;
  anomaly_type: string;
  risk_score: number;
  occurred_at: number;
  details: Record<string, unknown>;
}

/** What one token's scan did. */
export interface TokenScan {
  events: number;
  lastEventId: number;
  anomalies: NewAnomaly[];
  /** False when the lease was lost meanwhile (another run took the token): nothing was written. */
  committed: boolean;
  /** True when the budget ran out before the token's new transfers did. */
  backlog: boolean;
  /** Rows D1 read for this scan (all statements): what it cost, whatever the machine. */
  rowsRead: number;
}

function rowsOf<T>(result: D1Result | undefined): T[] {
  return (result?.results ?? []) as T[];
}

/** The trailing hour's price move: the latest point now against the one an hour before. */
function priceMove(now: PricePoint | undefined, before: PricePoint | undefined, after: PricePoint | undefined) {
  if (!now) return null;
  const base = before ?? after;
  if (!base || base.price_time >= now.price_time) return null;
  return {
    from: Number(base.price_usd),
    to: Number(now.price_usd),
    from_time: base.price_time,
    to_time: now.price_time,
  };
}

/**
 * Scans one claimed token: at most `budget` new transfers after its cursor. Its only write is
 * one commit batch, guarded by the lease of run `runId`.
 */
export async function scanToken(
  db: D1Database,
  token: { token_address: string; last_event_id: number; update_interval: number; runId: string },
  budget: number,
  settings: ScanSettings,
): Promise<TokenScan> {
  const mint = token.token_address;
  const { now } = settings;
  const { rows, rowsRead } = await transfersAfter(db, mint, token.last_event_id, budget);
  const transfers = rows.map((r) => valueTransfer(r, settings.priceMaxAgeMs));
  const lastEventId = rows.at(-1)?.id ?? token.last_event_id;
  const horizonStart = now - settings.horizonMs;

  const touched = [...new Set(transfers.map((t) => Math.floor(t.time / WINDOW_MS) * WINDOW_MS))].sort((a, b) => a - b);
  // Windows that end inside the alert horizon are judged; older ones only feed the history.
  const judged = touched.filter((start) => start + WINDOW_MS > horizonStart);
  const judgedSet = new Set(judged);
  // One trailing-hour evaluation per clock hour touched, at its latest touched window.
  const hourEnds = new Map<number, number>();
  for (const start of judged) {
    const hour = Math.floor(start / TRAILING_MS);
    hourEnds.set(hour, Math.max(hourEnds.get(hour) ?? 0, start + WINDOW_MS));
  }
  const spans = [...hourEnds.values()];
  const hourAgo = now - TRAILING_MS;

  const reads: D1PreparedStatement[] = [
    windowsAtStatement(db, mint, touched),
    judged.length > 0
      ? windowsInRangeStatement(db, mint, (judged[0] as number) - HISTORY_WINDOWS * WINDOW_MS, judged.at(-1) as number)
      : windowsAtStatement(db, mint, []),
    firstWindowStatement(db, mint),
    priceAtOrBeforeStatement(db, mint, now),
    priceAtOrBeforeStatement(db, mint, hourAgo),
    priceAfterStatement(db, mint, hourAgo, now),
    latestByTypeStatement(db, mint, Object.keys(COOLDOWN_MS), Math.min(hourAgo, judged[0] ?? hourAgo) - TRAILING_MS),
    ...spans.map((end) => edgesStatement(db, mint, { from: end - TRAILING_MS, to: end }, lastEventId)),
  ];
  const results = await db.batch(reads);
  const stored = new Map(rowsOf<WindowRow>(results[0]).map((w) => [w.window_start, w]));
  const history = new Map(rowsOf<WindowRow>(results[1]).map((w) => [w.window_start, w]));
  const firstStored = rowsOf<{ first: number | null }>(results[2])[0]?.first ?? null;
  const [priceNow] = rowsOf<PricePoint>(results[3]);
  const [priceBefore] = rowsOf<PricePoint>(results[4]);
  const [priceAfter] = rowsOf<PricePoint>(results[5]);

  const updated = foldIntoWindows(stored, transfers);
  for (const w of updated) history.set(w.window_start, w);
  const firstStart = Math.min(firstStored ?? Number.POSITIVE_INFINITY, touched[0] ?? Number.POSITIVE_INFINITY);

  const findings: Finding[] = [];
  // The latest finding of each type with a cooldown: one within it is the same episode.
  const latest = new Map(
    rowsOf<{ anomaly_type: string; occurred_at: number }>(results[6]).map((r) => [r.anomaly_type, r.occurred_at]),
  );
  const keep = (finding: Finding | null) => {
    if (!finding || withinCooldown(finding.type, latest.get(finding.type), finding.time)) return;
    findings.push(finding);
    latest.set(finding.type, Math.max(latest.get(finding.type) ?? 0, finding.time));
  };
  for (const t of transfers) {
    if (t.time < horizonStart) continue;
    const whale = whaleFinding(t, settings.whaleUsd);
    if (whale) findings.push(whale);
  }
  for (const w of updated) {
    if (!judgedSet.has(w.window_start)) continue;
    const spike = volumeSpikeFinding(
      {
        start: w.window_start,
        volume: Number(w.volume),
        transfers: w.transfers,
        volume_usd: w.transfers > w.unpriced ? Number(w.volume_usd) : null,
        last_time: w.last_time,
      },
      historyBefore(w.window_start, history, Number.isFinite(firstStart) ? firstStart : null),
    );
    keep(spike);
  }
  spans.forEach((end, i) => {
    const flow = flowMetrics(rowsOf<EdgeRow>(results[7 + i]));
    const span = { end, last_time: latestIn(transfers, end) ?? Math.min(end, now) };
    keep(concentrationFinding(flow, span));
    keep(washTradingFinding(flow, span));
  });
  const move = priceMove(
    priceNow && priceNow.price_time > hourAgo ? priceNow : undefined,
    priceBefore && hourAgo - priceBefore.price_time <= settings.priceMaxAgeMs ? priceBefore : undefined,
    priceAfter,
  );
  if (move) keep(priceMoveFinding(move, { end: now, last_time: move.to_time }));

  const writes: D1PreparedStatement[] = [];
  if (updated.length > 0) writes.push(upsertWindowsStatement(db, mint, token.runId, updated));
  const anomalyWrites = findings.map((f) => ({
    id: `ano_${randomToken(12)}`,
    anomaly_type: f.type,
    dedupe_key: f.key,
    risk_score: f.risk_score,
    occurred_at: f.time,
    details: f.details,
  }));
  if (anomalyWrites.length > 0) writes.push(insertAnomaliesStatement(db, mint, token.runId, anomalyWrites, now));
  // A token with more new transfers than the budget stays due (behind those due longer).
  const nextScanAt = rows.length >= budget ? now + 1 : now + token.update_interval * 1000;
  writes.push(finishScanStatement(db, { token: mint, runId: token.runId, lastEventId, now, nextScanAt }));
  const committed = await db.batch(writes);
  const finished = (committed.at(-1)?.meta.changes ?? 0) > 0;
  const inserted =
    anomalyWrites.length > 0 ? rowsOf<Omit<NewAnomaly, "details"> & { details: string }>(committed.at(-2)) : [];
  return {
    events: rows.length,
    lastEventId,
    committed: finished,
    backlog: rows.length >= budget,
    rowsRead: [...results, ...committed].reduce((n, r) => n + (r.meta.rows_read ?? 0), rowsRead),
    anomalies: finished
      ? inserted.map((a) => ({ ...a, details: JSON.parse(a.details) as Record<string, unknown> }))
      : [],
  };
}

/** Newest transfer time of this scan at or before `end`, if any. */
function latestIn(transfers: readonly { time: number }[], end: number): number | null {
  let latest: number | null = null;
  for (const t of transfers) if (t.time < end && (latest === null || t.time > latest)) latest = t.time;
  return latest;
}
