/**
 * Every metric the service exposes at `/metrics`: name, type, help text, label names and, for
 * histograms, bucket bounds. Label values are always drawn from small fixed sets (route
 * templates, normalised methods, status codes, enums), so the series count stays bounded.
 */

/** Histogram bucket upper bounds in milliseconds (Prometheus' defaults, in ms so sums stay integers). */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

/** Window of `api_error_rate`: five one-minute buckets, the current minute included. */
export const ERROR_RATE_WINDOW_MINUTES = 5;

/** A `websocket_connections_active` report older than this is ignored (its room stopped reporting). */
export const ROOM_REPORT_TTL_MS = 15 * 60 * 1000;

/** At most this many label sets per metric; more are folded into one `overflow` series. */
export const MAX_SERIES_PER_METRIC = 2000;

/** The value every label takes in the series that absorbs label sets over the cap. */
export const OVERFLOW_LABEL = "overflow";

export interface CounterDef {
  type: "counter";
  help: string;
  labels: readonly string[];
}

export interface HistogramDef {
  type: "histogram";
  help: string;
  labels: readonly string[];
}

export const COUNTERS = {
  http_requests_total: {
    type: "counter",
    help: "HTTP requests answered, by method, route template and status code.",
    labels: ["method", "route", "status"],
  },
  rate_limit_refusals_total: {
    type: "counter",
    help: "Requests refused by rate limiting, by reason (rate_limit_exceeded or temporarily_suspended) and caller tier.",
    labels: ["reason", "tier"],
  },
  anomaly_scans_total: {
    type: "counter",
    help: "Token anomaly scans run by the scanner, by outcome (ok or failed).",
    labels: ["outcome"],
  },
  anomalies_detected_total: {
    type: "counter",
    help: "Anomalies found by token scans, by anomaly type.",
    labels: ["anomaly_type"],
  },
} as const satisfies Record<string, CounterDef>;

export const HISTOGRAMS = {
  http_request_duration_seconds: {
    type: "histogram",
    help: "Time from receiving a request to sending its response headers, by method and status class (2xx, 4xx, ...).",
    labels: ["method", "status_class"],
  },
  endpoint_latency_histogram: {
    type: "histogram",
    help: "Time from receiving a request to sending its response headers, by route template.",
    labels: ["route"],
  },
} as const satisfies Record<string, HistogramDef>;

export type CounterName = keyof typeof COUNTERS;
export type HistogramName = keyof typeof HISTOGRAMS;

/** Help texts of the gauges, which are computed at scrape time rather than accumulated. */
export const GAUGES = {
  websocket_connections_active: {
    help: "Open WebSocket connections, by channel (market or alerts), summed over the rooms that reported within the last 15 minutes.",
  },
  api_error_rate: {
    help: "Share (0-1) of HTTP requests answered in the last 5 minutes (five one-minute buckets, the current one included) with a status in the class: 5xx (server errors) or 4xx (client errors, 429 included).",
  },
} as const;

/** Tiers a rate-limit refusal can be counted under. */
export const TIERS = ["anonymous", "jwt", "basic", "premium", "enterprise"] as const;
export type Tier = (typeof TIERS)[number];

/** Rate-limit refusal reasons (the error codes of API.md). */
export const REFUSAL_REASONS = ["rate_limit_exceeded", "temporarily_suspended"] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Anomaly types of API.md; anything else is counted as `other`. */
export const ANOMALY_TYPES = [
  "whale_movement",
  "volume_spike",
  "price_spike",
  "price_crash",
  "holder_concentration",
  "wash_trading",
] as const;

/** WebSocket channels that report `websocket_connections_active`. */
export const WS_CHANNELS = ["market", "alerts"] as const;
export type WsChannel = (typeof WS_CHANNELS)[number];

/** Number of label values a metric expects, or undefined for an unknown metric. */
export function labelCount(name: string): number | undefined {
  if (Object.hasOwn(COUNTERS, name)) return COUNTERS[name as CounterName].labels.length;
  if (Object.hasOwn(HISTOGRAMS, name)) return HISTOGRAMS[name as HistogramName].labels.length;
  return undefined;
}
