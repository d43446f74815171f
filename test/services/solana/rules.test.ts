import { describe, expect, it } from "vitest";
import {
  combineRisk,
  MIN_HISTORY_WINDOWS,
  PRICE_MOVE_PCT,
  priceMoveFinding,
  riskFromSeverity,
  type ValuedTransfer,
  VOLUME_SPIKE_Z,
  volumeSpikeFinding,
  type WindowTotals,
  whaleFinding,
  withinCooldown,
} from "../../../src/services/solana/rules";
import {
  CONCENTRATION_SHARE,
  concentrationFinding,
  type Edge,
  flowMetrics,
  WASH_SHARE,
  washTradingFinding,
} from "../../../src/services/solana/wallet-flow";

const transfer = (usd: string | null, amount = "1000"): ValuedTransfer => ({
  signature: "sig",
  transfer_index: 2,
  slot: 7,
  time: Date.UTC(2026, 0, 5, 12),
  from: "from-wallet",
  to: "to-wallet",
  amount,
  usd,
  price: usd === null ? null : "1",
});

const span = { end: Date.UTC(2026, 0, 5, 12, 30), last_time: Date.UTC(2026, 0, 5, 12, 29) };

describe("risk scores", () => {
  it("maps severity monotonically into [0, 1), with 0.5 exactly at the threshold", () => {
    expect(riskFromSeverity(1)).toBe(0.5);
    expect(riskFromSeverity(4)).toBe(0.75);
    expect(riskFromSeverity(100)).toBe(0.95);
    expect(riskFromSeverity(0.2)).toBe(0);
    expect(riskFromSeverity(Number.POSITIVE_INFINITY)).toBeLessThan(1);
    const xs = Array.from({ length: 200 }, (_, i) => 0.3 + i * 0.37);
    const scores = xs.map(riskFromSeverity);
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThanOrEqual(scores[i - 1] as number);
    expect(scores.every((s) => s >= 0 && s < 1)).toBe(true);
  });

  it("combines a token's anomalies as 1 − Π(1 − s)", () => {
    expect(combineRisk([])).toBe(0);
    expect(combineRisk([0.5])).toBe(0.5);
    expect(combineRisk([0.5, 0.5])).toBe(0.75);
    expect(combineRisk([0.9, 0.2, 0.5])).toBeCloseTo(1 - 0.1 * 0.8 * 0.5, 4);
    // Adding an anomaly never lowers the risk, and the result stays in [0, 1].
    expect(combineRisk([0.3, 0.6])).toBeGreaterThan(combineRisk([0.6]));
    expect(combineRisk([1, 1])).toBe(1);
  });
});

describe("whale_movement", () => {
  it("fires at and above the USD threshold, with the transfer's details", () => {
    expect(whaleFinding(transfer("99999.999999"), 100_000)).toBeNull();
    const at = whaleFinding(transfer("100000"), 100_000);
    expect(at).toMatchObject({ type: "whale_movement", key: "whale_movement:sig:2", risk_score: 0.5 });
    expect(at?.details).toEqual({
      wallet_address: "from-wallet",
      counterparty: "to-wallet",
      amount: 1000,
      usd_value: 100000,
      signature: "sig",
      slot: 7,
      price_usd: 1,
      threshold_usd: 100000,
    });
    expect(whaleFinding(transfer("500000"), 100_000)?.risk_score).toBeGreaterThan(at?.risk_score as number);
  });

  it("never fires for a transfer without a USD value", () => {
    expect(whaleFinding(transfer(null, "1000000000000"), 100_000)).toBeNull();
  });
});

describe("volume_spike", () => {
  // A steady history: 10 transfers, volume 1,000 ± 20 % per window.
  const history: WindowTotals[] = Array.from({ length: 288 }, (_, i) => ({
    volume: 1000 * (1 + 0.2 * Math.sin(i)),
    transfers: 10 + (i % 3),
  }));
  const window = (volume: number, transfers: number) => ({
    start: Date.UTC(2026, 0, 5, 12),
    volume,
    transfers,
    volume_usd: volume * 2,
    last_time: Date.UTC(2026, 0, 5, 12, 4),
  });

  it("fires for a broad surge in volume and transfers, keyed by its window", () => {
    const spike = volumeSpikeFinding(window(20_000, 150), history);
    expect(spike).toMatchObject({ type: "volume_spike", key: `volume_spike:${Date.UTC(2026, 0, 5, 12)}` });
    expect(spike?.details.robust_z).toBeGreaterThanOrEqual(VOLUME_SPIKE_Z);
    expect(spike?.risk_score).toBeGreaterThanOrEqual(0.5);
  });

  it("stays quiet for ordinary windows, and for one large transfer without more transfers (a whale)", () => {
    expect(volumeSpikeFinding(window(1300, 12), history)).toBeNull();
    expect(volumeSpikeFinding(window(50_000, 11), history)).toBeNull();
  });

  it("needs enough history and enough transfers", () => {
    expect(volumeSpikeFinding(window(20_000, 150), history.slice(0, MIN_HISTORY_WINDOWS - 1))).toBeNull();
    expect(volumeSpikeFinding(window(20_000, 4), history)).toBeNull();
    const mostlyEmpty = history.map((h, i) => (i % 4 === 0 ? h : { volume: 0, transfers: 0 }));
    expect(volumeSpikeFinding(window(20_000, 150), mostlyEmpty)).toBeNull();
  });

  it("scores a larger spike at least as high", () => {
    const small = volumeSpikeFinding(window(20_000, 150), history);
    const large = volumeSpikeFinding(window(200_000, 1500), history);
    expect(large?.risk_score).toBeGreaterThan(small?.risk_score as number);
  });
});

describe("wallet-flow rules", () => {
  const edge = (from: string, to: string, transfers: number, volume: number): Edge => ({ from, to, transfers, volume });
  const crowd = (n: number, volume = 1): Edge[] =>
    Array.from({ length: n }, (_, i) => edge(`c${i}`, `c${(i + 1) % n}`, 1, volume));

  it("measures unique wallets and the top-10 share of flow", () => {
    const flow = flowMetrics([edge("a", "b", 2, 90), ...crowd(20)]);
    expect(flow.unique_wallets).toBe(22);
    expect(flow.transfer_count).toBe(22);
    expect(flow.volume).toBe(110);
    // a and b carry 90 each side of 220 total flow, plus the 8 largest crowd wallets (2 each).
    expect(flow.top10_share).toBeCloseTo((180 + 16) / 220, 10);
  });

  it("holder_concentration fires when ten wallets carry ≥ 90 % of the flow among ≥ 30 wallets", () => {
    const concentrated = flowMetrics([
      ...Array.from({ length: 5 }, (_, i) => edge(`w${i}`, `w${i + 5}`, 6, 10_000)),
      ...crowd(40),
    ]);
    expect(concentrated.top10_share).toBeGreaterThan(CONCENTRATION_SHARE);
    const finding = concentrationFinding(concentrated, span);
    expect(finding).toMatchObject({ type: "holder_concentration", time: span.last_time });
    expect(finding?.key).toBe(`holder_concentration:${span.end}`);
    // Too few wallets to speak of concentration, and an ordinary spread of flow.
    expect(concentrationFinding(flowMetrics([edge("a", "b", 40, 1000)]), span)).toBeNull();
    expect(concentrationFinding(flowMetrics(crowd(60, 5)), span)).toBeNull();
  });

  it("wash_trading fires when value cycles between the same wallets", () => {
    const cycling = flowMetrics([edge("a", "b", 3, 3000), edge("b", "a", 3, 2900), ...crowd(30, 100)]);
    expect(cycling.cycling_pairs).toEqual([{ wallets: ["a", "b"], round_trips: 3, cycled_volume: 5800 }]);
    const finding = washTradingFinding(cycling, span);
    expect(finding?.type).toBe("wash_trading");
    expect(finding?.details.cycled_share as number).toBeGreaterThanOrEqual(WASH_SHARE);
  });

  it("wash_trading ignores one-way flow, a single return, lopsided returns and small cycles", () => {
    expect(washTradingFinding(flowMetrics([edge("a", "b", 6, 6000), ...crowd(30, 100)]), span)).toBeNull();
    expect(washTradingFinding(flowMetrics([edge("a", "b", 3, 3000), edge("b", "a", 1, 3000)]), span)).toBeNull();
    expect(washTradingFinding(flowMetrics([edge("a", "b", 3, 3000), edge("b", "a", 3, 500)]), span)).toBeNull();
    expect(
      washTradingFinding(flowMetrics([edge("a", "b", 3, 30), edge("b", "a", 3, 30), ...crowd(30, 100)]), span),
    ).toBeNull();
  });
});

describe("episodes", () => {
  it("reports a trailing-hour rule once an hour and a volume spike once per 15 minutes; every whale", () => {
    const t = span.end;
    expect(withinCooldown("wash_trading", undefined, t)).toBe(false);
    expect(withinCooldown("wash_trading", t - 59 * 60_000, t)).toBe(true);
    expect(withinCooldown("wash_trading", t - 60 * 60_000, t)).toBe(false);
    expect(withinCooldown("volume_spike", t - 10 * 60_000, t)).toBe(true);
    expect(withinCooldown("volume_spike", t - 15 * 60_000, t)).toBe(false);
    expect(withinCooldown("whale_movement", t - 1, t)).toBe(false);
  });
});

describe("price_spike and price_crash", () => {
  const move = (from: number, to: number) => ({ from, to, from_time: span.end - 3_600_000, to_time: span.last_time });

  it("fires past ±20 % within the trailing hour, keyed by the span", () => {
    expect(priceMoveFinding(move(1, 1.19), span)).toBeNull();
    expect(priceMoveFinding(move(1, 0.81), span)).toBeNull();
    const spike = priceMoveFinding(move(1, 1 + PRICE_MOVE_PCT / 100), span);
    expect(spike).toMatchObject({
      type: "price_spike",
      risk_score: 0.5,
      key: `price_spike:${span.end}`,
    });
    const crash = priceMoveFinding(move(2, 1), span);
    expect(crash).toMatchObject({ type: "price_crash", details: { price_change_pct: -50 } });
    expect(crash?.risk_score).toBeGreaterThan(0.5);
  });
});
