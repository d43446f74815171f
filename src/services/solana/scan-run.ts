/**
 * One scanner run: claims due tokens (at most SOLANA_SCAN_MAX_TOKENS), scans them one by one
 * within a shared budget of SOLANA_SCAN_MAX_EVENTS new transfers, then publishes every new
 * anomaly to `/ws/alerts` subscribers of the accounts that monitor its token.
 */
import { getConfig } from "../../config";
import { accountsMonitoring } from "../../db/solana-monitors";
import { claimDueTokens, releaseClaim } from "../../db/solana-tokens";
import { randomToken } from "../../lib/crypto";
import { logger } from "../../lib/log";
import { countAnomalyScan, type Waiter } from "../metrics";
import { type AlertDelivery, publishAlerts } from "../realtime/publish";
import { type NewAnomaly, scanToken } from "./scanner";

/** How long a run may hold a token before another run may take it over. */
export const SCAN_LEASE_MS = 5 * 60_000;
/** A failed token scan is retried after this long. */
const RETRY_AFTER_MS = 60_000;

/** What a run did. */
export interface ScanReport {
  tokens: number;
  events: number;
  anomalies: number;
  failures: number;
  /** Claimed tokens left for the next run because the event budget was spent. */
  deferred: number;
  /** Rows D1 read for the token scans (claims and publishing aside). */
  rows_read: number;
}

/** The `anomaly_alert` message of an anomaly (seed 000's shape). */
export function toAlert(anomaly: NewAnomaly, accountIds: string[]): AlertDelivery {
  return {
    message: {
      type: "anomaly_alert",
      data: {
        token_address: anomaly.token_address,
        risk_score: anomaly.risk_score,
        anomaly_type: anomaly.anomaly_type,
        timestamp: new Date(anomaly.occurred_at).toISOString(),
        details: anomaly.details,
      },
    },
    account_ids: accountIds,
  };
}

/** Where new alerts go: the WebSocket rooms (`publishAlerts`) unless a caller says otherwise. */
export type AlertSink = (env: Env, alerts: AlertDelivery[]) => Promise<void>;

/**
 * Runs the scanner once at `now` (the cron's scheduled time).
 * @example await runAnomalyScan(env, ctx, controller.scheduledTime)
 */
export async function runAnomalyScan(
  env: Env,
  waiter: Waiter | undefined,
  now: number,
  sink: AlertSink = publishAlerts,
): Promise<ScanReport> {
  const config = getConfig(env);
  const runId = `run_${randomToken(12)}`;
  const claimed = await claimDueTokens(env.DB, {
    runId,
    now,
    leaseMs: SCAN_LEASE_MS,
    limit: config.SOLANA_SCAN_MAX_TOKENS,
  });
  const settings = {
    now,
    whaleUsd: config.WHALE_USD_THRESHOLD,
    priceMaxAgeMs: config.SOLANA_PRICE_MAX_AGE_SECONDS * 1000,
    horizonMs: config.SOLANA_ALERT_HORIZON_SECONDS * 1000,
  };
  const report: ScanReport = { tokens: 0, events: 0, anomalies: 0, failures: 0, deferred: 0, rows_read: 0 };
  const found: NewAnomaly[] = [];
  let budget = config.SOLANA_SCAN_MAX_EVENTS;
  for (const token of claimed) {
    if (budget <= 0) {
      // Still due: the next run takes it first (it keeps its place in the queue).
      await releaseClaim(env.DB, { token: token.token_address, runId, nextScanAt: token.next_scan_at });
      report.deferred++;
      continue;
    }
    try {
      const scan = await scanToken(env.DB, { ...token, runId }, budget, settings);
      budget -= scan.events;
      report.tokens++;
      report.events += scan.events;
      report.rows_read += scan.rowsRead;
      report.anomalies += scan.anomalies.length;
      found.push(...scan.anomalies);
      if (!scan.committed) logger.warn("solana_scan_lease_lost", { token: token.token_address });
      countAnomalyScan(env, waiter, { outcome: "ok", anomalyTypes: scan.anomalies.map((a) => a.anomaly_type) });
    } catch (err) {
      report.failures++;
      countAnomalyScan(env, waiter, { outcome: "failed" });
      logger.error("solana_scan_failed", {
        token: token.token_address,
        error: err instanceof Error ? err.message : String(err),
      });
      await releaseClaim(env.DB, { token: token.token_address, runId, nextScanAt: now + RETRY_AFTER_MS }).catch(
        () => {}, // the lease expires on its own
      );
    }
  }
  if (found.length > 0) await publish(env, found, sink);
  return report;
}

/** Publishes new anomalies; a failed push is logged and never undoes what was stored. */
async function publish(env: Env, anomalies: NewAnomaly[], sink: AlertSink): Promise<void> {
  try {
    const accounts = await accountsMonitoring(
      env.DB,
      anomalies.map((a) => a.token_address),
    );
    const ordered = [...anomalies].sort((a, b) => a.occurred_at - b.occurred_at);
    await sink(
      env,
      ordered.map((a) => toAlert(a, accounts.get(a.token_address) ?? [])),
    );
  } catch (err) {
    logger.warn("solana_alert_publish_failed", {
      anomalies: anomalies.length,
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
