import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CRON_JOBS } from "../../src/cron";
import type { AlertDelivery } from "../../src/services/realtime/publish";
import { compareAmounts, multiplyUsd } from "../../src/services/solana/amounts";
import { WINDOW_MS } from "../../src/services/solana/rules";
import { runAnomalyScan } from "../../src/services/solana/scan-run";
import {
  deliver,
  heliusTx,
  monitor,
  newAddress,
  pricePoint,
  runMinuteCron,
  storedAnomalies,
  storeTraffic,
} from "../fixtures/solana";
import { backgroundTraffic, burst, type SimTransfer } from "../fixtures/solana-traffic";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The next cron time: the start of the coming minute (after every event written so far). */
const nextMinute = () => Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE;

/** The configuration with some variables changed (parsed anew: a new env object). */
const withVars = (vars: Record<string, string>) => ({ ...env, ...vars }) as Env;

async function windowTotals(mint: string) {
  return env.DB.prepare("SELECT sum(transfers) AS transfers, count(*) AS windows FROM solana_windows WHERE mint = ?1")
    .bind(mint)
    .first<{ transfers: number | null; windows: number }>();
}

async function cursorOf(mint: string) {
  return env.DB.prepare("SELECT last_event_id, next_scan_at, last_scan_at FROM solana_tokens WHERE token_address = ?1")
    .bind(mint)
    .first<{ last_event_id: number; next_scan_at: number; last_scan_at: number | null }>();
}

function smallTransfers(mint: string, count: number, end: number) {
  const wallets = Array.from({ length: 10 }, () => newAddress());
  return Array.from({ length: count }, (_, i) =>
    heliusTx({
      time: end - (count - i) * 1000,
      transfers: [{ mint, from: wallets[i % 10] as string, to: wallets[(i + 3) % 10] as string, amount: 10 + (i % 7) }],
    }),
  );
}

describe("anomaly scan cron", () => {
  it("is registered on the every-minute cron, after the RPC pull", () => {
    const jobs = CRON_JOBS["* * * * *"]?.map((job) => job.name) ?? [];
    expect(jobs).toContain("solana-anomaly-scan");
    expect(jobs.indexOf("solana-rpc-pull")).toBeLessThan(jobs.indexOf("solana-anomaly-scan"));
  });

  it("finds a volume spike on realistic background traffic", async () => {
    const mint = newAddress();
    const now = nextMinute();
    const spikeStart = Math.floor(now / WINDOW_MS) * WINDOW_MS - WINDOW_MS;
    const { transfers, prices } = backgroundTraffic({ seed: 101, start: now - 25 * HOUR, end: now });
    // A day of history (a volume spike needs one), then a pump: 15× the usual number of transfers
    // in one 5-minute window, from the same amount distribution.
    const pump = burst({ seed: 7, start: spikeStart, span: WINDOW_MS, perMinute: 3, multiple: 15 });
    await storeTraffic(mint, [...transfers, ...pump], prices);
    await monitor([mint]);
    const report = await runAnomalyScan(env, undefined, now);
    expect(report).toMatchObject({ tokens: 1, events: transfers.length + pump.length, failures: 0 });

    const found = await storedAnomalies(mint);
    const spikes = found.filter((a) => a.anomaly_type === "volume_spike");
    expect(spikes.map((a) => a.details.window_start)).toEqual([new Date(spikeStart).toISOString()]);
    expect(spikes[0]?.details.transfer_count).toBeGreaterThan(40);
    expect(spikes[0]?.risk_score).toBeGreaterThanOrEqual(0.5);
    // Nothing else but the odd true whale of heavy-tailed background amounts.
    expect(found.map((a) => a.anomaly_type).filter((t) => t !== "whale_movement")).toEqual(["volume_spike"]);
  }, 30_000);

  it("reports a pump lasting several windows once (one episode)", async () => {
    const mint = newAddress();
    const now = nextMinute();
    const end = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    const { transfers, prices } = backgroundTraffic({ seed: 102, start: now - 25 * HOUR, end: now });
    const pump = burst({ seed: 8, start: end - 3 * WINDOW_MS, span: 3 * WINDOW_MS, perMinute: 3, multiple: 15 });
    await storeTraffic(mint, [...transfers, ...pump], prices);
    await monitor([mint]);
    await runAnomalyScan(env, undefined, now);
    const spikes = (await storedAnomalies(mint)).filter((a) => a.anomaly_type === "volume_spike");
    expect(spikes.map((a) => a.details.window_start)).toEqual([new Date(end - 3 * WINDOW_MS).toISOString()]);
  }, 30_000);

  it("raises nothing on quiet traffic but the whales it really holds (false-positive check, three seeded days)", async () => {
    for (const seed of [201, 202, 203]) {
      const mint = newAddress();
      const now = nextMinute();
      const { transfers, prices } = backgroundTraffic({ seed, start: now - 24 * HOUR, end: now });
      await storeTraffic(mint, transfers, prices);
      await monitor([mint]);
      const report = await runAnomalyScan(env, undefined, now);
      expect(report.events).toBe(transfers.length);
      // Heavy-tailed amounts do produce the odd transfer over WHALE_USD_THRESHOLD: that one is
      // a true whale. Every statistical rule must stay silent.
      let p = -1;
      const whales = transfers.filter((t) => {
        while (p + 1 < prices.length && (prices[p + 1]?.time as number) <= t.time) p++;
        const price = prices[p];
        return price !== undefined && compareAmounts(multiplyUsd(t.amount, price.price), "100000") >= 0;
      });
      const found = await storedAnomalies(mint);
      expect(
        found.filter((a) => a.anomaly_type !== "whale_movement").map((a) => [seed, a.anomaly_type, a.details]),
      ).toEqual([]);
      expect(found.map((a) => a.details.signature).sort()).toEqual(whales.map((t) => t.signature).sort());
    }
  }, 30_000);

  it("finds wash trading: value cycling between the same two wallets", async () => {
    const mint = newAddress();
    const now = nextMinute();
    const { transfers } = backgroundTraffic({ seed: 301, start: now - 3 * HOUR, end: now });
    const [a, b] = [newAddress(), newAddress()];
    const cycle: SimTransfer[] = Array.from({ length: 12 }, (_, i) => ({
      signature: `${i}`,
      time: now - 50 * MINUTE + i * 3 * MINUTE,
      from: i % 2 === 0 ? a : b,
      to: i % 2 === 0 ? b : a,
      amount: "5000",
    }));
    await storeTraffic(mint, [...transfers, ...cycle.map((t, i) => ({ ...t, signature: `${mint}-wash-${i}` }))]);
    await monitor([mint]);
    await runAnomalyScan(env, undefined, now);
    const wash = (await storedAnomalies(mint)).filter((x) => x.anomaly_type === "wash_trading");
    // One episode, reported as soon as it passed the thresholds (the trailing hour then may
    // hold only part of the cycle); the cycling pair leads, busy background wallets may cycle too.
    expect(wash).toHaveLength(1);
    expect(wash[0]?.details.round_trips).toBeGreaterThanOrEqual(3);
    const pairs = (wash[0]?.details.pairs ?? []) as Array<{ wallets: string[] }>;
    expect(pairs[0]?.wallets).toEqual([a, b].sort());
  });

  it("finds holder concentration: ten wallets carry nearly all of an hour's flow", async () => {
    const mint = newAddress();
    const now = nextMinute();
    const whales = Array.from({ length: 10 }, () => newAddress());
    const crowd = Array.from({ length: 40 }, () => newAddress());
    const flow: SimTransfer[] = [
      ...Array.from({ length: 30 }, (_, i) => ({
        signature: `${mint}-big-${i}`,
        time: now - 40 * MINUTE + i * MINUTE,
        from: whales[i % 10] as string,
        to: whales[(i * 3 + 1) % 10] as string,
        amount: String(100_000 + i),
      })),
      ...crowd.map((wallet, i) => ({
        signature: `${mint}-small-${i}`,
        time: now - 40 * MINUTE + i * 30_000,
        from: wallet,
        to: crowd[(i + 1) % 40] as string,
        amount: "3",
      })),
    ];
    await storeTraffic(mint, flow);
    await monitor([mint]);
    await runAnomalyScan(env, undefined, now);
    const found = (await storedAnomalies(mint)).filter((x) => x.anomaly_type === "holder_concentration");
    expect(found).toHaveLength(1);
    expect(found[0]?.details.top10_share).toBeGreaterThan(0.99);
    expect(found[0]?.details.unique_wallets).toBeGreaterThanOrEqual(30);
  });

  it("finds a price crash and a price spike within the trailing hour", async () => {
    const [down, up] = [newAddress(), newAddress()];
    const now = nextMinute();
    await monitor([down, up]);
    await deliver([
      pricePoint(down, "2.00", now - 70 * MINUTE),
      pricePoint(down, "1.90", now - 30 * MINUTE),
      pricePoint(down, "1.40", now - MINUTE),
      pricePoint(up, "0.010", now - 59 * MINUTE),
      pricePoint(up, "0.016", now - 2 * MINUTE),
    ]);
    await runAnomalyScan(env, undefined, now);
    const crash = await storedAnomalies(down);
    expect(crash.map((a) => [a.anomaly_type, a.details.price_change_pct])).toEqual([["price_crash", -30]]);
    const spike = await storedAnomalies(up);
    expect(spike.map((a) => [a.anomaly_type, a.details.price_change_pct])).toEqual([["price_spike", 60]]);
    // Once per clock hour: the next scan finds the same move and stores nothing new.
    await runAnomalyScan(env, undefined, now + MINUTE);
    expect(await storedAnomalies(down)).toHaveLength(1);
  });

  it("honours update_interval: a token is not scanned again before its interval", async () => {
    const mint = newAddress();
    await monitor([mint], 300);
    const t0 = nextMinute();
    await deliver([pricePoint(mint, 1, t0 - 2 * MINUTE), ...smallTransfers(mint, 5, t0 - MINUTE)]);
    expect((await runAnomalyScan(env, undefined, t0)).events).toBeGreaterThanOrEqual(5);
    const scanned = await cursorOf(mint);
    expect(scanned).toMatchObject({ last_scan_at: t0, next_scan_at: t0 + 300_000 });

    await deliver([
      heliusTx({ time: t0 + 10_000, transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 250_000 }] }),
    ]);
    for (const later of [t0 + MINUTE, t0 + 2 * MINUTE, t0 + 4 * MINUTE]) {
      await runAnomalyScan(env, undefined, later);
      expect(await cursorOf(mint)).toEqual(scanned);
    }
    expect(await storedAnomalies(mint)).toEqual([]);
    await runAnomalyScan(env, undefined, t0 + 5 * MINUTE);
    expect((await cursorOf(mint))?.last_scan_at).toBe(t0 + 5 * MINUTE);
    expect((await storedAnomalies(mint)).map((a) => a.anomaly_type)).toEqual(["whale_movement"]);
  });

  it("bounds each run by SOLANA_SCAN_MAX_EVENTS and resumes where it stopped, finding the same", async () => {
    const mint = newAddress();
    await monitor([mint]);
    const now = nextMinute();
    const items = [pricePoint(mint, 1, now - 10 * MINUTE), ...smallTransfers(mint, 250, now - 2 * MINUTE)];
    items.splice(
      120,
      0,
      heliusTx({
        time: now - 5 * MINUTE,
        transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 300_000 }],
      }),
    );
    await deliver(items);
    const bounded = withVars({ SOLANA_SCAN_MAX_EVENTS: "100" });
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push((await runAnomalyScan(bounded, undefined, now + i * MINUTE)).events);
    expect(runs).toEqual([100, 100, 51, 0]);
    expect((await windowTotals(mint))?.transfers).toBe(251);
    expect((await storedAnomalies(mint)).map((a) => a.anomaly_type)).toEqual(["whale_movement"]);
  });

  it("bounds each run by SOLANA_SCAN_MAX_TOKENS; the others wait for the next minute", async () => {
    const tokens = [newAddress(), newAddress(), newAddress()];
    await monitor(tokens);
    const now = nextMinute();
    const bounded = withVars({ SOLANA_SCAN_MAX_TOKENS: "2" });
    // Newly monitored tokens are due at once, ahead of any token already scanned.
    const first = await runAnomalyScan(bounded, undefined, now);
    const scannedFirst = (await Promise.all(tokens.map(cursorOf))).filter((c) => c?.last_scan_at === now).length;
    expect(first.tokens).toBe(2);
    expect(scannedFirst).toBe(2);
    await runAnomalyScan(bounded, undefined, now + MINUTE);
    for (const token of tokens) expect((await cursorOf(token))?.last_scan_at).not.toBeNull();
  });

  it("is incremental: a run without new transfers reads none, and split deliveries add up the same", async () => {
    const mint = newAddress();
    await monitor([mint]);
    const now = nextMinute();
    const items = smallTransfers(mint, 60, now - MINUTE);
    await deliver(items.slice(0, 25));
    expect((await runAnomalyScan(env, undefined, now)).events).toBe(25);
    expect((await runAnomalyScan(env, undefined, now + MINUTE)).events).toBe(0);
    await deliver(items.slice(25));
    expect((await runAnomalyScan(env, undefined, now + 2 * MINUTE)).events).toBe(35);
    expect((await windowTotals(mint))?.transfers).toBe(60);
  });

  it("never scans a token twice at once: overlapping runs count each transfer once", async () => {
    const mint = newAddress();
    await monitor([mint]);
    const now = nextMinute();
    await deliver(smallTransfers(mint, 80, now - MINUTE));
    const [a, b] = await Promise.all([runAnomalyScan(env, undefined, now), runAnomalyScan(env, undefined, now)]);
    expect(a.events + b.events).toBe(80);
    expect((await windowTotals(mint))?.transfers).toBe(80);
  });

  it("publishes each new anomaly once, as an anomaly_alert for the accounts monitoring its token", async () => {
    const mint = newAddress();
    await monitor([mint], 60, "usr_alert_a");
    await monitor([mint], 60, "usr_alert_b");
    const now = nextMinute();
    const from = newAddress();
    await deliver([
      pricePoint(mint, "2", now - 5 * MINUTE),
      heliusTx({ time: now - MINUTE, transfers: [{ mint, from, to: newAddress(), amount: 100_000 }] }),
    ]);
    const published: AlertDelivery[] = [];
    const sink = async (_env: Env, alerts: AlertDelivery[]) => void published.push(...alerts);
    await runAnomalyScan(env, undefined, now, sink);
    await runAnomalyScan(env, undefined, now + MINUTE, sink);
    expect(published).toHaveLength(1);
    expect(published[0]?.account_ids).toEqual(["usr_alert_a", "usr_alert_b"]);
    expect(published[0]?.message).toEqual({
      type: "anomaly_alert",
      data: {
        token_address: mint,
        risk_score: expect.any(Number),
        anomaly_type: "whale_movement",
        timestamp: new Date(Math.floor((now - MINUTE) / 1000) * 1000).toISOString(),
        details: expect.objectContaining({ wallet_address: from, amount: 100_000, usd_value: 200_000 }),
      },
    });
  });

  it("runs from the Worker's scheduled handler", async () => {
    const mint = newAddress();
    await monitor([mint]);
    const now = nextMinute();
    await deliver([
      pricePoint(mint, 1, now - 2 * MINUTE),
      heliusTx({ time: now - MINUTE, transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 150_000 }] }),
    ]);
    await runMinuteCron(now);
    expect((await storedAnomalies(mint)).map((a) => a.anomaly_type)).toEqual(["whale_movement"]);
  });
});
