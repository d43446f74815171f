import {
  COUNTERS,
  ERROR_RATE_WINDOW_MINUTES,
  GAUGES,
  HISTOGRAMS,
  LATENCY_BUCKETS_MS,
  ROOM_REPORT_TTL_MS,
  WS_CHANNELS,
} from "./catalogue";
import type { MetricsData } from "./data";

/** Content type of the Prometheus text exposition format 0.0.4. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const escapeHelp = (text: string) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** `a="x",b="y"` (no braces) for a series' labels. */
function labelPairs(names: readonly string[], values: readonly string[]): string {
  return names.map((name, i) => `${name}="${escapeLabel(values[i] ?? "")}"`).join(",");
}

const braces = (pairs: string) => (pairs === "" ? "" : `{${pairs}}`);
const withLe = (pairs: string, le: string) => `{${pairs === "" ? "" : `${pairs},`}le="${le}"}`;

/** Milliseconds as an exact decimal number of seconds ("0.005", "2.5", "10"). */
export function msToSeconds(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const frac = ms - whole * 1000;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(3, "0").replace(/0+$/, "")}`;
}

const LE = LATENCY_BUCKETS_MS.map((ms) => msToSeconds(ms));

function header(lines: string[], name: string, type: string, help: string): void {
  lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
}

/** The series of one metric, in a stable order (by label values). */
function seriesOf<T extends [string, string[], ...unknown[]]>(all: T[], name: string): T[] {
  return all
    .filter(([n]) => n === name)
    .map((entry) => [entry[1].join("\u0000"), entry] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, entry]) => entry);
}

/**
 * Renders a snapshot as the Prometheus text exposition format 0.0.4. Every metric of the
 * catalogue is listed (with HELP and TYPE) even before its first sample; gauges are derived
 * here from the request minutes and room reports, as of `now` (epoch ms).
 */
export function renderExposition(data: MetricsData, now: number): string {
  const lines: string[] = [];

  for (const [name, def] of Object.entries(COUNTERS)) {
    header(lines, name, def.type, def.help);
    for (const [, labels, value] of seriesOf(data.counters, name)) {
      lines.push(`${name}${braces(labelPairs(def.labels, labels))} ${value}`);
    }
  }

  for (const [name, def] of Object.entries(HISTOGRAMS)) {
    header(lines, name, def.type, def.help);
    for (const [, labels, buckets, count, sumMs] of seriesOf(data.histograms, name)) {
      const pairs = labelPairs(def.labels, labels);
      let cumulative = 0;
      LE.forEach((le, i) => {
        cumulative += buckets[i] ?? 0;
        lines.push(`${name}_bucket${withLe(pairs, le)} ${cumulative}`);
      });
      lines.push(`${name}_bucket${withLe(pairs, "+Inf")} ${count}`);
      lines.push(`${name}_sum${braces(pairs)} ${msToSeconds(sumMs)}`);
      lines.push(`${name}_count${braces(pairs)} ${count}`);
    }
  }

  header(lines, "websocket_connections_active", "gauge", GAUGES.websocket_connections_active.help);
  const fresh = data.rooms.filter(([, , , at]) => now - at <= ROOM_REPORT_TTL_MS);
  for (const channel of WS_CHANNELS) {
    const active = fresh.filter(([, ch]) => ch === channel).reduce((sum, [, , n]) => sum + n, 0);
    lines.push(`websocket_connections_active{channel="${channel}"} ${active}`);
  }

  header(lines, "api_error_rate", "gauge", GAUGES.api_error_rate.help);
  const { total, client, server } = errorWindow(data, now);
  lines.push(`api_error_rate{class="5xx"} ${total === 0 ? 0 : server / total}`);
  lines.push(`api_error_rate{class="4xx"} ${total === 0 ? 0 : client / total}`);

  return `${lines.join("\n")}\n`;
}

/** Requests, 4xx and 5xx answered in the error-rate window ending at `now`. */
export function errorWindow(data: MetricsData, now: number): { total: number; client: number; server: number } {
  const first = Math.floor(now / 60_000) - (ERROR_RATE_WINDOW_MINUTES - 1);
  let total = 0;
  let client = 0;
  let server = 0;
  for (const [minute, t, c, s] of data.requests) {
    if (minute < first) continue;
    total += t;
    client += c;
    server += s;
  }
  return { total, client, server };
}
