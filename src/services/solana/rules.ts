/**
 * The anomaly rules of the Solana scanner (no I/O). README "Solana token monitoring" documents
 * the same thresholds; test/services/solana/rules.test.ts pins them.
 *
 * - whale_movement: one transfer worth ≥ WHALE_USD_THRESHOLD (USD at the latest price point at
 *   or before the transfer; a transfer without a price has no USD value and is never a whale).
 * - volume_spike: a 5-minute window's token volume against the previous 24 h of windows:
 *   robust z-score of ln(volume) ≥ 3.5, at least 5× the median window, ≥ 5 transfers, and a
 *   transfer count that is up too (robust z of ln(count) ≥ 2), so one large transfer (a whale)
 *   is not also called a volume spike. It needs 24 h of history, half of its windows active.
 * - price_spike / price_crash: the price moved ≥ +20 % / ≤ −20 % within the trailing hour.
 * - holder_concentration: over the trailing hour, the 10 busiest wallets carry ≥ 90 % of the
 *   transfer flow while ≥ 30 wallets and ≥ 30 transfers took part.
 * - wash_trading: over the trailing hour, value goes back and forth between the same pairs of
 *   wallets (≥ 2 transfers each way, the smaller direction ≥ 50 % of the larger), ≥ 3 round
 *   trips in all, and that cycled value is ≥ 30 % of the hour's volume.
 *
 * One episode is reported once: a finding within `COOLDOWN_MS` of an earlier one of its type
 * (15 min for volume spikes, 1 h for the trailing-hour rules) is not stored again.
 *
 * The wallet-flow rules live in `wallet-flow.ts`. Every anomaly's risk score is `riskFromSeverity(x)`, where x is how far past its threshold it
 * is (x = 1 exactly at the threshold): 0.5 at the threshold, 0.75 at 4×, 0.95 at 100×.
 */
import { MAD_TO_SIGMA, mad, median } from "./stats";

export const ANOMALY_TYPES = [
  "whale_movement",
  "volume_spike",
  "price_spike",
  "price_crash",
  "holder_concentration",
  "wash_trading",
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/** Length of a volume window, and of the buckets volumes are kept in. */
export const WINDOW_MS = 5 * 60_000;
/** Windows of history a window's volume is compared with (24 h). */
export const HISTORY_WINDOWS = 288;
/**
 * A volume spike needs a full day of history since the token's first transfer: with less, the
 * daily cycle of trading reads as a trend. Simulated background traffic (10 seeds, 131 day-long
 * runs each) had 16 windows called spikes when 2 h of history sufficed, 1 with 12 h, none with 24 h.
 */
export const MIN_HISTORY_WINDOWS = HISTORY_WINDOWS;
/** Span of the wallet-flow and price rules. */
export const TRAILING_MS = 60 * 60_000;

export const VOLUME_SPIKE_Z = 3.5;
export const VOLUME_SPIKE_COUNT_Z = 2;
export const VOLUME_SPIKE_MIN_RATIO = 5;
export const VOLUME_SPIKE_MIN_TRANSFERS = 5;
/** Floor of the ln scale: a near-constant history must not make every wiggle a spike. */
export const VOLUME_MIN_LOG_SCALE = 0.25;
export const PRICE_MOVE_PCT = 20;

/** An anomaly found by a rule; `key` is unique per token so a later run cannot raise it twice. */
export interface Finding {
  type: AnomalyType;
  key: string;
  time: number;
  risk_score: number;
  details: Record<string, unknown>;
}

/**
 * Risk in [0, 1) from severity x (how many times its threshold the measure is), monotone:
 * 1 − 0.5/√x, so 0.5 at the threshold. Below a quarter of the threshold it is 0.
 */
export function riskFromSeverity(x: number): number {
  if (!(x > 0.25)) return 0;
  if (!Number.isFinite(x)) return 0.9999;
  return Math.min(0.9999, Math.round((1 - 0.5 / Math.sqrt(x)) * 10_000) / 10_000);
}

/** A token's risk from its anomalies' scores: 1 − Π(1 − s), in [0, 1]. */
export function combineRisk(scores: readonly number[]): number {
  let keep = 1;
  for (const s of scores) keep *= 1 - Math.min(1, Math.max(0, s));
  return Math.round((1 - keep) * 10_000) / 10_000;
}

/** Severity of a share rule: (1 − T)/(1 − share), so 1 at the threshold and unbounded towards 100 %. */
export function shareSeverity(share: number, threshold: number): number {
  return share >= 1 ? Number.POSITIVE_INFINITY : (1 - threshold) / (1 - share);
}

/** A transfer with its USD value, as the scanner sees it. */
export interface ValuedTransfer {
  signature: string;
  transfer_index: number;
  slot: number | null;
  time: number;
  from: string | null;
  to: string | null;
  /** Token units, decimal text. */
  amount: string;
  /** USD value, decimal text; null when no price point was known. */
  usd: string | null;
  price: string | null;
}

/**
 * whale_movement when the transfer is worth at least `thresholdUsd`.
 * @example whaleFinding(transfer, 100_000)
 */
export function whaleFinding(t: ValuedTransfer, thresholdUsd: number): Finding | null {
  if (t.usd === null) return null;
  const usd = Number(t.usd);
  if (!(usd >= thresholdUsd)) return null;
  return {
    type: "whale_movement",
    key: `whale_movement:${t.signature}:${t.transfer_index}`,
    time: t.time,
    risk_score: riskFromSeverity(usd / thresholdUsd),
    details: {
      wallet_address: t.from,
      counterparty: t.to,
      amount: Number(t.amount),
      usd_value: Math.round(usd * 100) / 100,
      signature: t.signature,
      slot: t.slot,
      price_usd: t.price === null ? null : Number(t.price),
      threshold_usd: thresholdUsd,
    },
  };
}

/** One volume window: its start, token volume and transfers so far, and its newest transfer time. */
export interface VolumeWindow {
  start: number;
  volume: number;
  transfers: number;
  volume_usd: number | null;
  last_time: number;
}

/** A window's volume and transfer count, as history for the next ones. */
export interface WindowTotals {
  volume: number;
  transfers: number;
}

/** Robust z of ln(x) against ln(history), empty windows counted as a tenth of a typical one. */
function logZ(x: number, history: readonly number[]): number {
  const positive = history.filter((v) => v > 0);
  const floor = median(positive) / 10;
  const ln = (v: number) => Math.log(Math.max(v, floor));
  const logs = history.map(ln);
  return (ln(x) - median(logs)) / Math.max(MAD_TO_SIGMA * mad(logs), VOLUME_MIN_LOG_SCALE);
}

/**
 * volume_spike for `window` against `history`, the windows before it (empty ones as zeros,
 * oldest first). Compared on a log scale: volumes vary by multiples, not sums.
 */
export function volumeSpikeFinding(window: VolumeWindow, history: readonly WindowTotals[]): Finding | null {
  if (history.length < MIN_HISTORY_WINDOWS || window.transfers < VOLUME_SPIKE_MIN_TRANSFERS) return null;
  const volumes = history.map((h) => h.volume);
  if (volumes.filter((v) => v > 0).length < MIN_HISTORY_WINDOWS / 2) return null;
  const z = logZ(window.volume, volumes);
  const countZ = logZ(
    window.transfers,
    history.map((h) => h.transfers),
  );
  const baseline = median(volumes);
  const ratio = baseline > 0 ? window.volume / baseline : Number.POSITIVE_INFINITY;
  if (z < VOLUME_SPIKE_Z || countZ < VOLUME_SPIKE_COUNT_Z || ratio < VOLUME_SPIKE_MIN_RATIO) return null;
  return {
    type: "volume_spike",
    key: `volume_spike:${window.start}`,
    time: window.last_time,
    risk_score: riskFromSeverity(z / VOLUME_SPIKE_Z),
    details: {
      window_start: new Date(window.start).toISOString(),
      window_end: new Date(window.start + WINDOW_MS).toISOString(),
      volume: round(window.volume, 6),
      volume_usd: window.volume_usd === null ? null : round(window.volume_usd, 2),
      transfer_count: window.transfers,
      baseline_volume: round(baseline, 6),
      baseline_transfers: median(history.map((h) => h.transfers)),
      ratio: Number.isFinite(ratio) ? round(ratio, 2) : null,
      robust_z: round(z, 2),
      transfer_count_z: round(countZ, 2),
      history_windows: history.length,
    },
  };
}

/** The trailing hour a wallet-flow or price finding is about, ending at `end`. */
export interface Span {
  end: number;
  /** Newest transfer (or price) time in the span: the finding's timestamp. */
  last_time: number;
}

export function spanKey(type: AnomalyType, span: Span): string {
  return `${type}:${span.end}`;
}

/**
 * Episode length per type: a finding less than this after an earlier one of its type (for the
 * same token) is the same episode and is not reported again. Whales have none: each transfer is
 * its own event.
 */
export const COOLDOWN_MS: Readonly<Partial<Record<AnomalyType, number>>> = {
  volume_spike: 3 * WINDOW_MS,
  price_spike: TRAILING_MS,
  price_crash: TRAILING_MS,
  holder_concentration: TRAILING_MS,
  wash_trading: TRAILING_MS,
};

/** True when a finding of `type` at `time` falls within the cooldown of an earlier one at `previous`. */
export function withinCooldown(type: AnomalyType, previous: number | undefined, time: number): boolean {
  const cooldown = COOLDOWN_MS[type];
  return cooldown !== undefined && previous !== undefined && previous > time - cooldown;
}

/** `window_start` and `window_end` of a trailing-hour finding. */
export function spanDetails(span: Span) {
  return { window_start: new Date(span.end - TRAILING_MS).toISOString(), window_end: new Date(span.end).toISOString() };
}

/** Price change in percent from `from` to `to` (decimal texts or numbers); null without a base. */
export function priceChangePct(from: number | null, to: number | null): number | null {
  if (from === null || to === null || !(from > 0)) return null;
  return round(((to - from) / from) * 100, 4);
}

/** price_spike or price_crash when the trailing hour's price change passes ±PRICE_MOVE_PCT. */
export function priceMoveFinding(
  move: { from: number; to: number; from_time: number; to_time: number },
  span: Span,
): Finding | null {
  const pct = priceChangePct(move.from, move.to);
  if (pct === null || Math.abs(pct) < PRICE_MOVE_PCT) return null;
  const type: AnomalyType = pct > 0 ? "price_spike" : "price_crash";
  return {
    type,
    key: spanKey(type, span),
    time: move.to_time,
    risk_score: riskFromSeverity(Math.abs(pct) / PRICE_MOVE_PCT),
    details: {
      ...spanDetails(span),
      price_change_pct: pct,
      price_from: move.from,
      price_to: move.to,
      price_from_time: new Date(move.from_time).toISOString(),
      price_to_time: new Date(move.to_time).toISOString(),
    },
  };
}

/** `value` rounded to `places` decimals (for the numbers of `details`). */
export function round(value: number, places: number): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}
