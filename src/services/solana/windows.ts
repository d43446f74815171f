/**
 * Valuing transfers and folding them into 5-minute volume windows (no I/O). Window totals stay
 * exact (decimal text); the rules read them as floats only for statistics.
 */
import type { ScannedTransfer } from "../../db/solana-transfers";
import type { WindowRow } from "../../db/solana-windows";
import { addAmounts, maxAmount, multiplyUsd } from "./amounts";
import { HISTORY_WINDOWS, type ValuedTransfer, WINDOW_MS, type WindowTotals } from "./rules";

/** Start of the window holding `time`. */
export function windowStartOf(time: number): number {
  return Math.floor(time / WINDOW_MS) * WINDOW_MS;
}

/**
 * A stored transfer with its USD value: amount × the latest price point at or before it, if
 * that point is at most `maxAgeMs` older than the transfer; otherwise no USD value.
 */
export function valueTransfer(row: ScannedTransfer, maxAgeMs: number): ValuedTransfer {
  const fresh = row.price_usd !== null && row.price_time !== null && row.block_time - row.price_time <= maxAgeMs;
  const price = fresh ? row.price_usd : null;
  return {
    signature: row.signature,
    transfer_index: row.transfer_index,
    slot: row.slot,
    time: row.block_time,
    from: row.from_wallet,
    to: row.to_wallet,
    amount: row.amount,
    price,
    usd: price === null ? null : multiplyUsd(row.amount, price),
  };
}

/** An empty window starting at `start`. */
function emptyWindow(start: number): WindowRow {
  return {
    window_start: start,
    transfers: 0,
    volume: "0",
    volume_usd: "0",
    unpriced: 0,
    largest_usd: null,
    last_time: start,
  };
}

/**
 * The new totals of every window the transfers fall in: the stored totals (`stored`, by start)
 * plus these transfers. Returned oldest first.
 */
export function foldIntoWindows(
  stored: ReadonlyMap<number, WindowRow>,
  transfers: readonly ValuedTransfer[],
): WindowRow[] {
  const touched = new Map<
    number,
    {
      base: WindowRow;
      amounts: string[];
      usd: string[];
      unpriced: number;
      count: number;
      largest: string | null;
      last: number;
    }
  >();
  for (const t of transfers) {
    const start = windowStartOf(t.time);
    let acc = touched.get(start);
    if (!acc) {
      const base = stored.get(start) ?? emptyWindow(start);
      acc = {
        base,
        amounts: [base.volume],
        usd: [base.volume_usd],
        unpriced: base.unpriced,
        count: base.transfers,
        largest: base.largest_usd,
        last: base.last_time,
      };
      touched.set(start, acc);
    }
    acc.count++;
    acc.amounts.push(t.amount);
    if (t.usd === null) acc.unpriced++;
    else {
      acc.usd.push(t.usd);
      acc.largest = acc.largest === null ? t.usd : maxAmount(acc.largest, t.usd);
    }
    acc.last = Math.max(acc.last, t.time);
  }
  return [...touched.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, acc]) => ({
      window_start: start,
      transfers: acc.count,
      volume: addAmounts(...acc.amounts),
      volume_usd: addAmounts(...acc.usd),
      unpriced: acc.unpriced,
      largest_usd: acc.largest,
      last_time: acc.last,
    }));
}

/**
 * The `HISTORY_WINDOWS` windows before `start` (oldest first, empty ones as zeros), starting no
 * earlier than the token's first window: time before a token had any transfer is not quiet.
 */
export function historyBefore(
  start: number,
  windows: ReadonlyMap<number, WindowRow>,
  firstStart: number | null,
): WindowTotals[] {
  const from = Math.max(start - HISTORY_WINDOWS * WINDOW_MS, firstStart ?? start);
  const out: WindowTotals[] = [];
  for (let s = from; s < start; s += WINDOW_MS) {
    const w = windows.get(s);
    out.push({ volume: w ? Number(w.volume) : 0, transfers: w ? w.transfers : 0 });
  }
  return out;
}
