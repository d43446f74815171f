import {
  ANOMALY_TYPES,
  REFUSAL_REASONS,
  type RefusalReason,
  TIERS,
  type Tier,
  WS_CHANNELS,
  type WsChannel,
} from "./catalogue";
import { methodLabel, statusClass } from "./labels";
import { buffer, type Waiter } from "./pipeline";

/**
 * The metrics API other capabilities call. Every function only touches this isolate's buffer
 * (no I/O on the caller's path); pass the request's `ExecutionContext` (or a Durable Object's
 * `ctx`) as `waiter` so the flush that carries the increment runs after the response.
 */

export { collectMetrics, flushMetrics, type Waiter } from "./pipeline";

/** One answered HTTP request, as the observe middleware sees it. */
export interface RequestSample {
  method: string;
  /** A route template (`/api/v1/market/price/{symbol}`) or `unmatched`; never a raw path. */
  route: string;
  status: number;
  latencyMs: number;
  /** When the request started (epoch ms): picks the error-rate minute. */
  at: number;
}

/** Records a request in `http_requests_total`, both latency histograms and the error-rate window. */
export function recordRequest(env: Env, waiter: Waiter | undefined, sample: RequestSample): void {
  const method = methodLabel(sample.method);
  buffer(env, waiter, (acc) => {
    acc.inc("http_requests_total", [method, sample.route, String(sample.status)]);
    acc.observe("http_request_duration_seconds", [method, statusClass(sample.status)], sample.latencyMs);
    acc.observe("endpoint_latency_histogram", [sample.route], sample.latencyMs);
    acc.countStatus(Math.floor(sample.at / 60_000), sample.status);
  });
}

/**
 * Counts a rate-limit refusal in `rate_limit_refusals_total{reason,tier}`.
 * HTTP refusals thrown as `ApiError("rate_limit_exceeded" | "temporarily_suspended")` are
 * counted by the observe middleware already: call this only for refusals that never become an
 * HTTP response of the app (for example a WebSocket message refused inside a room).
 * @example countRateLimitRefusal(env, ctx, { reason: "rate_limit_exceeded", tier: "basic" })
 */
export function countRateLimitRefusal(
  env: Env,
  waiter: Waiter | undefined,
  refusal: { reason: RefusalReason; tier: Tier },
): void {
  const reason = REFUSAL_REASONS.includes(refusal.reason) ? refusal.reason : "rate_limit_exceeded";
  const tier = TIERS.includes(refusal.tier) ? refusal.tier : "anonymous";
  buffer(env, waiter, (acc) => acc.inc("rate_limit_refusals_total", [reason, tier]));
}

/**
 * Counts one token scan of the anomaly scanner in `anomaly_scans_total{outcome}` and the
 * anomalies it found in `anomalies_detected_total{anomaly_type}` (unknown types count as `other`).
 * @example countAnomalyScan(env, ctx, { outcome: "ok", anomalyTypes: ["whale_movement"] })
 */
export function countAnomalyScan(
  env: Env,
  waiter: Waiter | undefined,
  scan: { outcome: "ok" | "failed"; anomalyTypes?: readonly string[] },
): void {
  buffer(env, waiter, (acc) => {
    acc.inc("anomaly_scans_total", [scan.outcome === "ok" ? "ok" : "failed"]);
    for (const type of scan.anomalyTypes ?? []) {
      acc.inc("anomalies_detected_total", [(ANOMALY_TYPES as readonly string[]).includes(type) ? type : "other"]);
    }
  });
}

/**
 * Reports how many sockets a WebSocket room holds now; `websocket_connections_active{channel}`
 * is the sum over rooms. A room reports after every accept and close (reports are batched like
 * every other increment) and at least every 5 minutes while it holds sockets (e.g. from an
 * alarm): a report older than 15 minutes is ignored, so a room that died silently stops counting.
 * @example reportWebSocketConnections(env, this.ctx, { room: this.ctx.id.toString(), channel: "market", active: this.ctx.getWebSockets().length })
 */
export function reportWebSocketConnections(
  env: Env,
  waiter: Waiter | undefined,
  report: { room: string; channel: WsChannel; active: number },
): void {
  if (!WS_CHANNELS.includes(report.channel) || !Number.isSafeInteger(report.active) || report.active < 0) {
    throw new TypeError("reportWebSocketConnections: channel must be market or alerts, active a count");
  }
  const at = Date.now();
  buffer(env, waiter, (acc) => acc.reportRoom(report.room, report.channel, report.active, at));
}
