/**
 * The wallet-flow rules (no I/O): holder_concentration and wash_trading over a trailing hour of
 * sender → receiver flows. Thresholds are documented with the other rules in `rules.ts`.
 */
import { type Finding, riskFromSeverity, round, type Span, shareSeverity, spanDetails, spanKey } from "./rules";

export const CONCENTRATION_SHARE = 0.9;
export const CONCENTRATION_MIN_WALLETS = 30;
export const CONCENTRATION_MIN_TRANSFERS = 30;
export const WASH_SHARE = 0.3;
export const WASH_MIN_ROUND_TRIPS = 3;
export const WASH_MIN_EACH_WAY = 2;
export const WASH_MIN_BALANCE = 0.5;

/** Transfers between two wallets (one direction) over a span, summed. */
export interface Edge {
  from: string | null;
  to: string | null;
  transfers: number;
  volume: number;
}

/** A pair of wallets that sent value back and forth. */
export interface CyclingPair {
  wallets: [string, string];
  round_trips: number;
  cycled_volume: number;
}

/** Wallet-flow measures of a span of transfers. */
export interface FlowMetrics {
  transfer_count: number;
  volume: number;
  unique_wallets: number;
  /** Share of all flow (sent + received) carried by the 10 busiest wallets; 0 without transfers. */
  top10_share: number;
  top_wallets: Array<{ wallet: string; flow: number }>;
  cycling_pairs: CyclingPair[];
  cycled_volume: number;
  round_trips: number;
}

/** Wallet-flow measures from the span's edges (one row per sender, receiver). */
export function flowMetrics(edges: readonly Edge[]): FlowMetrics {
  const flows = new Map<string, number>();
  let transfers = 0;
  let volume = 0;
  let flowTotal = 0;
  const directed = new Map<string, Edge>();
  for (const e of edges) {
    transfers += e.transfers;
    volume += e.volume;
    for (const w of [e.from, e.to]) {
      if (w === null) continue;
      flows.set(w, (flows.get(w) ?? 0) + e.volume);
      flowTotal += e.volume;
    }
    if (e.from !== null && e.to !== null && e.from !== e.to) directed.set(`${e.from} ${e.to}`, e);
  }
  const ranked = [...flows.entries()].sort((a, b) => b[1] - a[1]);
  const top = ranked.slice(0, 10);
  const topFlow = top.reduce((s, [, f]) => s + f, 0);
  const pairs: CyclingPair[] = [];
  for (const e of directed.values()) {
    const from = e.from as string;
    const to = e.to as string;
    if (from > to) continue; // each unordered pair once
    const back = directed.get(`${to} ${from}`);
    if (!back || e.transfers < WASH_MIN_EACH_WAY || back.transfers < WASH_MIN_EACH_WAY) continue;
    const low = Math.min(e.volume, back.volume);
    const high = Math.max(e.volume, back.volume);
    if (high <= 0 || low / high < WASH_MIN_BALANCE) continue;
    pairs.push({ wallets: [from, to], round_trips: Math.min(e.transfers, back.transfers), cycled_volume: 2 * low });
  }
  pairs.sort((a, b) => b.cycled_volume - a.cycled_volume);
  return {
    transfer_count: transfers,
    volume,
    unique_wallets: flows.size,
    top10_share: flowTotal > 0 ? topFlow / flowTotal : 0,
    top_wallets: top.map(([wallet, flow]) => ({ wallet, flow: round(flow, 6) })),
    cycling_pairs: pairs,
    cycled_volume: pairs.reduce((s, p) => s + p.cycled_volume, 0),
    round_trips: pairs.reduce((s, p) => s + p.round_trips, 0),
  };
}

/** holder_concentration when the 10 busiest wallets carry most of the trailing hour's flow. */
export function concentrationFinding(flow: FlowMetrics, span: Span): Finding | null {
  if (flow.unique_wallets < CONCENTRATION_MIN_WALLETS || flow.transfer_count < CONCENTRATION_MIN_TRANSFERS) return null;
  if (flow.top10_share < CONCENTRATION_SHARE) return null;
  return {
    type: "holder_concentration",
    key: spanKey("holder_concentration", span),
    time: span.last_time,
    risk_score: riskFromSeverity(shareSeverity(flow.top10_share, CONCENTRATION_SHARE)),
    details: {
      ...spanDetails(span),
      top10_share: round(flow.top10_share, 4),
      unique_wallets: flow.unique_wallets,
      transfer_count: flow.transfer_count,
      top_wallets: flow.top_wallets,
    },
  };
}

/** wash_trading when value cycles between the same wallets for a large share of the hour's volume. */
export function washTradingFinding(flow: FlowMetrics, span: Span): Finding | null {
  if (flow.volume <= 0 || flow.round_trips < WASH_MIN_ROUND_TRIPS) return null;
  const share = Math.min(1, flow.cycled_volume / flow.volume);
  if (share < WASH_SHARE) return null;
  return {
    type: "wash_trading",
    key: spanKey("wash_trading", span),
    time: span.last_time,
    risk_score: riskFromSeverity(shareSeverity(share, WASH_SHARE)),
    details: {
      ...spanDetails(span),
      cycled_share: round(share, 4),
      cycled_volume: round(flow.cycled_volume, 6),
      round_trips: flow.round_trips,
      pairs: flow.cycling_pairs.slice(0, 10).map((p) => ({
        wallets: p.wallets,
        round_trips: p.round_trips,
        cycled_volume: round(p.cycled_volume, 6),
      })),
    },
  };
}
