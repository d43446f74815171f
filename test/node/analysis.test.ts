import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCandleCsv } from "../../scripts/lib/candles.mjs";
import { ROOT, startLocalServer } from "../../scripts/lib/local-server.mjs";
import { accessToken, STEPS } from "../../scripts/seed.mjs";
import { TEST_BINDINGS } from "../../vitest.config";

let server: { url: string; stop: () => Promise<void> };
const ADMIN = "admin@parapet.local";
const state: { accounts?: Record<string, { email: string; password: string }> } = {};
const lines: string[] = [];

async function runStep(name: string) {
  const step = STEPS.find((s: { name: string }) => s.name === name);
  if (!step) throw new Error(`no ${name} step`);
  await step.run({ url: server.url, vars: { ADMIN_EMAILS: ADMIN }, state, log: (l: string) => lines.push(l) });
}

/** The last `count` rows of a real candle file as ingest items. */
function items(file: string, symbol: string, interval: string, count: number) {
  const rows = parseCandleCsv(readFileSync(join(ROOT, "data", "candles", file), "utf8"), file).slice(-count);
  return rows.map(({ open_time, ...values }) => ({
    symbol,
    interval,
    timestamp: new Date(open_time).toISOString(),
    ...values,
  }));
}

beforeAll(async () => {
  server = await startLocalServer({ vars: { ...TEST_BINDINGS, ENFORCE_HTTPS: "false", ADMIN_EMAILS: ADMIN } });
  await runStep("accounts");
  const token = await accessToken(server.url, state, "admin");
  const res = await fetch(`${server.url}/api/v1/market/ingest`, {
    method: "POST",
    headers: { "content-type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      exchange: "binance",
      candles: [...items("BTCUSDT-1d.csv", "BTC-USDT", "1d", 400), ...items("BTCUSDT-1h.csv", "BTC-USDT", "1h", 250)],
    }),
  });
  if (res.status !== 202) throw new Error(`ingest: ${res.status} ${await res.text()}`);
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe("analysis against wrangler dev (black box)", () => {
  it("the seed's models step fires the training cron, after which every model answers", async () => {
    const token = await accessToken(server.url, state, "admin");
    const get = (path: string) => fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    const before = await get("/api/v1/analysis/prediction/BTC-USDT?timeframe=1d&model=lstm");
    expect(before.status).toBe(503);

    await runStep("models");
    expect(lines).toContainEqual(
      expect.stringMatching(/^trained the forecast models \((one run|two runs) of the training cron\)$/),
    );

    for (const timeframe of ["1h", "4h", "1d"]) {
      for (const model of ["ensemble", "lstm"]) {
        const res = await get(`/api/v1/analysis/prediction/BTC-USDT?timeframe=${timeframe}&model=${model}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual(
          [
            "confidence",
            "interval_high",
            "interval_low",
            "model",
            "prediction",
            "symbol",
            "timeframe",
            "timestamp",
          ].sort(),
        );
        expect(body).toMatchObject({ symbol: "BTC-USDT", timeframe, model });
        for (const field of ["prediction", "interval_low", "interval_high"]) {
          expect(body[field]).toMatch(/^\d+\.\d+$/);
        }
        expect(Number(body.interval_low)).toBeLessThanOrEqual(Number(body.prediction));
        expect(Number(body.prediction)).toBeLessThanOrEqual(Number(body.interval_high));
        expect(body.confidence).toBeGreaterThanOrEqual(0);
        expect(body.confidence).toBeLessThanOrEqual(1);
        expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
    }

    const risk = await get("/api/v1/analysis/risk/BTC-USDT?window=365&confidence=0.99");
    expect(risk.status).toBe(200);
    const body = (await risk.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ symbol: "BTC-USDT", window: 365, confidence: 0.99, method: "historical" });
    expect(Number(body.expected_shortfall)).toBeGreaterThanOrEqual(Number(body.var_95));
    expect(Number(body.var_95)).toBeGreaterThan(0);

    // Idempotent: a second seed finds the models and fires nothing.
    lines.length = 0;
    await runStep("models");
    expect(lines).toEqual([]);
  }, 180_000);
});
