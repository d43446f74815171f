/** Reading anomalies: the filtered, newest-first list and a token's analysis. */
import { type AnomalyRow, listAnomalyRows, riskScoresInRange } from "../../db/solana-anomalies";
import { tokenScanState } from "../../db/solana-tokens";
import {
  type PricePoint,
  priceAfterStatement,
  priceAtOrBeforeStatement,
  type WalletFlowSummary,
  walletFlowStatement,
} from "../../db/solana-transfers";
import { type WindowRow, windowsInRangeStatement } from "../../db/solana-windows";
import { addAmounts, maxAmount, toNumber } from "./amounts";
import { decodeCursor, encodeCursor } from "./cursor";
import { type AnomalyType, combineRisk, priceChangePct } from "./rules";
import { windowStartOf } from "./windows";

/** An anomaly as the API shows it (API.md "AnomalyEvent"). */
export interface AnomalyEvent {
  id: string;
  token_address: string;
  anomaly_type: AnomalyType;
  risk_score: number;
  timestamp: string;
  details: Record<string, unknown>;
}

/** Anomalies listed in a token's analysis (the newest); its risk score weighs up to `RISK_ANOMALIES`. */
export const ANALYSIS_ANOMALIES = 100;
const RISK_ANOMALIES = 1000;

/** Analysis timeframes and their length. */
export const TIMEFRAMES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000 } as const;
export type Timeframe = keyof typeof TIMEFRAMES;

function toEvent(row: AnomalyRow): AnomalyEvent {
  return {
    id: row.id,
    token_address: row.token_address,
    anomaly_type: row.anomaly_type as AnomalyType,
    risk_score: row.risk_score,
    timestamp: new Date(row.occurred_at).toISOString(),
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/** Query of `GET /anomalies`; times are epoch ms, inclusive. */
export interface AnomalyQuery {
  start?: number;
  end?: number;
  min_risk_score?: number;
  token_address?: string;
  anomaly_type?: AnomalyType;
  limit: number;
  cursor?: string;
}

/**
 * One page of anomalies matching the filters, newest first.
 * @example await listAnomalies(env.DB, { min_risk_score: 0.8, limit: 100 })
 */
export async function listAnomalies(
  db: D1Database,
  query: AnomalyQuery,
): Promise<{ anomalies: AnomalyEvent[]; next_cursor: string | null }> {
  const before = query.cursor === undefined ? undefined : decodeCursor("ano", query.cursor);
  const rows = await listAnomalyRows(
    db,
    {
      token_address: query.token_address,
      anomaly_type: query.anomaly_type,
      min_risk_score: query.min_risk_score,
      from: query.start,
      to: query.end,
      before: before && { occurred_at: before.time, id: before.id },
    },
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    anomalies: page.map(toEvent),
    next_cursor: rows.length > query.limit && last ? encodeCursor("ano", [last.occurred_at, last.id]) : null,
  };
}

/** `GET /token/{address}/analysis`. */
export interface TokenAnalysis {
  token_address: string;
  timeframe: Timeframe;
  risk_score: number;
  anomalies: AnomalyEvent[];
  metrics: Record<string, number | null>;
  monitored: boolean;
  last_scan_at: string | null;
  timestamp: string;
}

function first<T>(result: D1Result | undefined): T | undefined {
  return (result?.results ?? [])[0] as T | undefined;
}

/**
 * A token's metrics, anomalies and combined risk over the timeframe (aligned down to 5-minute
 * windows), as of the scanner's last pass: transfers it has not scanned yet are not counted.
 * @example await tokenAnalysis(env.DB, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "24h")
 */
export async function tokenAnalysis(
  db: D1Database,
  token: string,
  timeframe: Timeframe,
  now = Date.now(),
): Promise<TokenAnalysis> {
  const from = windowStartOf(now - TIMEFRAMES[timeframe]);
  const state = await tokenScanState(db, token);
  const scannedThrough = state?.last_event_id ?? 0;
  const results = await db.batch([
    windowsInRangeStatement(db, token, from, now),
    walletFlowStatement(db, token, { from, to: now + 1 }, scannedThrough),
    priceAtOrBeforeStatement(db, token, from),
    priceAfterStatement(db, token, from, now),
    priceAtOrBeforeStatement(db, token, now),
  ]);
  const windows = (results[0]?.results ?? []) as WindowRow[];
  const flows = first<WalletFlowSummary>(results[1]) ?? { unique_wallets: 0, top10_flow: 0, total_flow: 0 };
  const base = first<PricePoint>(results[2]) ?? first<PricePoint>(results[3]);
  const latest = first<PricePoint>(results[4]);
  const [anomalies, scores] = await Promise.all([
    listAnomalyRows(db, { token_address: token, from, to: now }, ANALYSIS_ANOMALIES),
    riskScoresInRange(db, token, { from, to: now }, RISK_ANOMALIES),
  ]);
  const largest = windows.reduce<string | null>(
    (max, w) => (w.largest_usd === null ? max : max === null ? w.largest_usd : maxAmount(max, w.largest_usd)),
    null,
  );
  const change =
    base && latest && latest.price_time > base.price_time
      ? priceChangePct(Number(base.price_usd), Number(latest.price_usd))
      : null;
  return {
    token_address: token,
    timeframe,
    risk_score: combineRisk(scores),
    anomalies: anomalies.map(toEvent),
    metrics: {
      volume_usd: toNumber(addAmounts("0", ...windows.map((w) => w.volume_usd)), 2),
      volume: toNumber(addAmounts("0", ...windows.map((w) => w.volume)), 6),
      transfer_count: windows.reduce((n, w) => n + w.transfers, 0),
      unpriced_transfers: windows.reduce((n, w) => n + w.unpriced, 0),
      unique_wallets: flows.unique_wallets,
      largest_transfer_usd: largest === null ? null : toNumber(largest, 2),
      top10_share: flows.total_flow > 0 ? Math.round((flows.top10_flow / flows.total_flow) * 10_000) / 10_000 : 0,
      price_change_pct: change,
      price_usd: latest ? Number(latest.price_usd) : null,
    },
    monitored: state?.monitored ?? false,
    last_scan_at: state?.last_scan_at ? new Date(state.last_scan_at).toISOString() : null,
    timestamp: new Date(now).toISOString(),
  };
}
