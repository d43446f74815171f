import { describe, expect, it } from "vitest";
import {
  deliver,
  getAsDeveloper,
  heliusTx,
  monitor,
  newAddress,
  newSignature,
  pricePoint,
  runMinuteCron,
} from "../fixtures/solana";
import { logNormalAmount, prng } from "../fixtures/solana-traffic";
import { authHeader, call, expectError } from "../helpers";

const MINUTE = 60_000;

/** A minute-aligned "now" a little in the past, so every event is before the cron's time. */
function cronTime(): number {
  return Math.floor(Date.now() / MINUTE) * MINUTE + MINUTE;
}

/** A token at $0.50 with `n` small transfers (20-2000 tokens) in the last half hour, plus extras. */
async function tokenWithSmallFlow(n: number, seed: number, extra: ReturnType<typeof heliusTx>[] = []) {
  const mint = newAddress();
  const rand = prng(seed);
  const now = Date.now();
  const wallets = Array.from({ length: 20 }, () => newAddress());
  const txs = Array.from({ length: n }, (_, i) =>
    heliusTx({
      time: now - 30 * MINUTE + i * 10_000,
      transfers: [
        {
          mint,
          from: wallets[i % 20] as string,
          to: wallets[(i + 7) % 20] as string,
          amount: Number(logNormalAmount(rand, 200, 0.8)),
        },
      ],
    }),
  );
  return { mint, items: [pricePoint(mint, "0.5", now - 40 * MINUTE), ...txs, ...extra], now };
}

describe("whale movements (acceptance)", () => {
  it("a 500,000 USD transfer among small ones gives exactly one whale_movement after one scheduled run", async () => {
    const whaleFrom = newAddress();
    const whaleTo = newAddress();
    const signature = newSignature();
    const holder = { mint: "" };
    const { mint, items, now } = await tokenWithSmallFlow(60, 11);
    holder.mint = mint;
    // 1,000,000 tokens at $0.50 = $500,000, in the middle of the small flow.
    items.push(
      heliusTx({
        signature,
        time: now - 10 * MINUTE,
        transfers: [{ mint, from: whaleFrom, to: whaleTo, amount: 1_000_000 }],
      }),
    );
    await monitor([mint]);
    const delivered = await deliver(items);
    expect(delivered.status).toBe(202);
    expect(delivered.body).toEqual({ accepted: items.length, duplicates: 0, rejected: [] });

    await runMinuteCron(cronTime());

    const { status, body } = await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}`);
    expect(status).toBe(200);
    const whales = body.anomalies.filter((a: { anomaly_type: string }) => a.anomaly_type === "whale_movement");
    expect(whales).toHaveLength(1);
    expect(whales[0]).toMatchObject({
      token_address: mint,
      anomaly_type: "whale_movement",
      timestamp: new Date(Math.floor((now - 10 * MINUTE) / 1000) * 1000).toISOString(),
      details: { wallet_address: whaleFrom, counterparty: whaleTo, amount: 1_000_000, usd_value: 500_000, signature },
    });
    // 5× the default threshold (100,000 USD): 1 − 0.5/√5.
    expect(whales[0].risk_score).toBeCloseTo(1 - 0.5 / Math.sqrt(5), 4);
    expect(whales[0].id).toMatch(/^ano_/);

    // The scan is idempotent: another run, and a replayed delivery, raise nothing new.
    const replay = await deliver(items);
    expect(replay.body).toEqual({ accepted: 0, duplicates: items.length, rejected: [] });
    await runMinuteCron(cronTime() + MINUTE);
    const again = await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}&anomaly_type=whale_movement`);
    expect(again.body.anomalies).toHaveLength(1);
  });

  it("a transfer without a known price is never a whale, however large", async () => {
    const mint = newAddress();
    await monitor([mint]);
    const now = Date.now();
    await deliver([
      heliusTx({ time: now - MINUTE, transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 1e12 }] }),
    ]);
    await runMinuteCron(cronTime());
    expect((await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}`)).body.anomalies).toEqual([]);
  });

  it("values a transfer at the latest price at or before it, not a later one", async () => {
    const mint = newAddress();
    await monitor([mint]);
    const now = Date.now();
    const from = newAddress();
    await deliver([
      pricePoint(mint, "0.01", now - 20 * MINUTE),
      // 1,000,000 tokens: $10,000 at the price then, $500,000 at the later price.
      heliusTx({ time: now - 10 * MINUTE, transfers: [{ mint, from, to: newAddress(), amount: 1_000_000 }] }),
      pricePoint(mint, "0.5", now - 5 * MINUTE),
      heliusTx({ time: now - 2 * MINUTE, transfers: [{ mint, from, to: newAddress(), amount: 300_000 }] }),
    ]);
    await runMinuteCron(cronTime());
    const { body } = await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}&anomaly_type=whale_movement`);
    expect(body.anomalies.map((a: { details: { usd_value: number } }) => a.details.usd_value)).toEqual([150_000]);
  });
});

describe("GET /api/v1/anomalies: filters and pages", () => {
  /** Three whales of one token at known times and sizes ($120k, $250k, $2M at $1). */
  async function threeWhales() {
    const mint = newAddress();
    await monitor([mint]);
    const now = Date.now();
    const times = [now - 50 * MINUTE, now - 30 * MINUTE, now - 10 * MINUTE];
    const sizes = [120_000, 250_000, 2_000_000];
    await deliver([
      pricePoint(mint, 1, now - 55 * MINUTE),
      ...times.map((time, i) =>
        heliusTx({ time, transfers: [{ mint, from: newAddress(), to: newAddress(), amount: sizes[i] as number }] }),
      ),
    ]);
    await runMinuteCron(cronTime());
    return { mint, times: times.map((t) => Math.floor(t / 1000) * 1000) };
  }

  it("filters by min_risk_score", async () => {
    const { mint } = await threeWhales();
    const all = await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}`);
    expect(all.body.anomalies).toHaveLength(3);
    const scores = all.body.anomalies.map((a: { risk_score: number }) => a.risk_score);
    // Newest first; and a bigger whale scores higher.
    expect(scores[0]).toBeGreaterThan(scores[1]);
    expect(scores[1]).toBeGreaterThan(scores[2]);
    const min = scores[1];
    const filtered = await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}&min_risk_score=${min}`);
    expect(filtered.body.anomalies.map((a: { risk_score: number }) => a.risk_score)).toEqual([scores[0], scores[1]]);
    const none = await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}&min_risk_score=0.99`);
    expect(none.body.anomalies).toEqual([]);
  });

  it("filters by start_time and end_time (inclusive)", async () => {
    const { mint, times } = await threeWhales();
    const iso = (t: number) => new Date(t).toISOString();
    const middle = await getAsDeveloper(
      `/api/v1/anomalies?token_address=${mint}&start_time=${iso(times[1] as number)}&end_time=${iso(times[1] as number)}`,
    );
    expect(middle.body.anomalies.map((a: { timestamp: string }) => a.timestamp)).toEqual([iso(times[1] as number)]);
    const later = await getAsDeveloper(
      `/api/v1/anomalies?token_address=${mint}&start_time=${iso((times[0] as number) + 1)}`,
    );
    expect(later.body.anomalies).toHaveLength(2);
    const earlier = await getAsDeveloper(
      `/api/v1/anomalies?token_address=${mint}&end_time=${iso((times[2] as number) - 1)}`,
    );
    expect(earlier.body.anomalies.map((a: { timestamp: string }) => a.timestamp)).toEqual([
      iso(times[1] as number),
      iso(times[0] as number),
    ]);
  });

  it("pages newest first with an opaque cursor until next_cursor is null", async () => {
    const { mint, times } = await threeWhales();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/v1/anomalies?token_address=${mint}&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await getAsDeveloper(query);
      expect(page.status).toBe(200);
      seen.push(...page.body.anomalies.map((a: { timestamp: string }) => a.timestamp));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 5);
    expect(pages).toBe(2);
    expect(seen).toEqual([...times].reverse().map((t) => new Date(t).toISOString()));
  });

  it("filters by anomaly_type", async () => {
    const { mint } = await threeWhales();
    const spikes = await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}&anomaly_type=volume_spike`);
    expect(spikes.body.anomalies).toEqual([]);
    const whales = await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}&anomaly_type=whale_movement`);
    expect(whales.body.anomalies).toHaveLength(3);
  });

  it("refuses bad filters with 400 validation_error", async () => {
    const developer = await authHeader("developer");
    for (const query of [
      "token_address=not-an-address",
      `token_address=${"1".repeat(31)}`,
      "min_risk_score=1.5",
      "min_risk_score=abc",
      "start_time=yesterday",
      "start_time=2026-01-02T00:00:00Z&end_time=2026-01-01T00:00:00Z",
      "anomaly_type=rug_pull",
      "limit=0",
      "limit=1001",
      "cursor=bm90LWEtY3Vyc29y",
    ]) {
      await expectError(await call(`/api/v1/anomalies?${query}`, { headers: developer }), 400, "validation_error");
    }
  });

  it("needs credentials with read:tokens", async () => {
    await expectError(await call("/api/v1/anomalies"), 401, "unauthorized");
  });
});

describe("GET /api/v1/token/{token_address}/analysis", () => {
  it("reports the scanned metrics, the token's anomalies and their combined risk", async () => {
    const extraFrom = newAddress();
    const { mint, items, now } = await tokenWithSmallFlow(40, 23);
    items.push(
      heliusTx({ time: now - 5 * MINUTE, transfers: [{ mint, from: extraFrom, to: newAddress(), amount: 400_000 }] }),
    );
    await monitor([mint]);
    await deliver(items);
    const scannedAt = cronTime();
    await runMinuteCron(scannedAt);

    const { status, body } = await getAsDeveloper(`/api/v1/token/${mint}/analysis?timeframe=1h`);
    expect(status).toBe(200);
    const amounts = items.flatMap((item) =>
      "tokenTransfers" in item ? item.tokenTransfers.map((t) => Number(t.tokenAmount)) : [],
    );
    const volume = amounts.reduce((a, b) => a + b, 0);
    expect(body).toMatchObject({ token_address: mint, timeframe: "1h", monitored: true });
    expect(body.metrics.transfer_count).toBe(41);
    expect(body.metrics.volume).toBeCloseTo(volume, 4);
    expect(body.metrics.volume_usd).toBeCloseTo(volume * 0.5, 1);
    expect(body.metrics.largest_transfer_usd).toBe(200_000);
    expect(body.metrics.unique_wallets).toBe(22);
    expect(body.metrics.top10_share).toBeGreaterThan(0);
    expect(body.metrics.top10_share).toBeLessThanOrEqual(1);
    expect(body.metrics.price_usd).toBe(0.5);
    expect(body.anomalies.map((a: { anomaly_type: string }) => a.anomaly_type)).toEqual(["whale_movement"]);
    expect(body.risk_score).toBe(body.anomalies[0].risk_score);
    expect(body.last_scan_at).toBe(new Date(scannedAt).toISOString());
  });

  it("answers zeros for a token nobody monitors", async () => {
    const mint = newAddress();
    await deliver([
      heliusTx({ time: Date.now(), transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 5 }] }),
    ]);
    const { status, body } = await getAsDeveloper(`/api/v1/token/${mint}/analysis`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      timeframe: "24h",
      risk_score: 0,
      anomalies: [],
      monitored: false,
      last_scan_at: null,
    });
    expect(body.metrics.transfer_count).toBe(0);
  });

  it("refuses an invalid address or timeframe with 400", async () => {
    const developer = await authHeader("developer");
    for (const path of [
      "/api/v1/token/0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl/analysis",
      `/api/v1/token/${"z".repeat(44)}/analysis`,
      `/api/v1/token/${newAddress()}/analysis?timeframe=1y`,
    ]) {
      await expectError(await call(path, { headers: developer }), 400, "validation_error");
    }
  });
});
