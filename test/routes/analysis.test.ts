import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { PredictionResponse, RiskResponse } from "../../src/schemas/analysis";
import { computeRisk, formatRisk } from "../../src/services/analysis/risk";
import { trainDueModels } from "../../src/services/analysis/training";
import { storedCloses, storedModels, storeReal } from "../fixtures/analysis";
import { candleItems, realCandles } from "../fixtures/candles";
import { ingest } from "../fixtures/market";
import { authHeader, call, expectError, json } from "../helpers";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const LIMITS = { budgetMs: 120_000, maxModels: 100, minCandles: 200 };

// BTC's newest real daily candle is held back until a test needs "a new candle after training".
const BTC_DAILY = realCandles("BTC-USDT", "1d");
const BTC_END = BTC_DAILY.length - 1;
const btcNewest = () => BTC_DAILY[BTC_END - 1] as (typeof BTC_DAILY)[number];

let headers: Record<string, string>;
const get = async (path: string) => call(path, { headers });

beforeAll(async () => {
  headers = await authHeader("developer");
  await storeReal("BTC-USDT", "BTC-USDT", "1d", 400, { endIndex: BTC_END });
  await storeReal("SOL-USDT", "SOL-USDT", "1h", 300);
  await storeReal("TEN-USDT", "ETH-USDT", "1d", 10);
  await storeReal("TEN-USDT", "ETH-USDT", "1h", 10);
  const summary = await trainDueModels(env.DB, LIMITS);
  expect(summary).toMatchObject({ trained: 6, insufficient: 6, deferred: 0, failed: 0 });
  // Stored after training: enough history, but no model yet.
  await storeReal("ETH-USDT", "ETH-USDT", "1d", 250);
}, 120_000);

describe("GET /api/v1/analysis/risk/{symbol}", () => {
  it("answers API.md's shape with the metrics of the stored daily closes", async () => {
    const res = await get("/api/v1/analysis/risk/BTC-USDT");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(Object.keys(body).sort()).toEqual(
      ["confidence", "expected_shortfall", "method", "symbol", "timestamp", "var_95", "volatility", "window"].sort(),
    );
    expect(RiskResponse.strict().parse(body)).toEqual(body);
    const expected = formatRisk(computeRisk(await storedCloses("BTC-USDT", "1d", 366), 365, 0.95));
    expect(body).toMatchObject({
      symbol: "BTC-USDT",
      ...expected,
      confidence: 0.95,
      window: 365,
      method: "historical",
    });
    for (const field of ["var_95", "expected_shortfall", "volatility"]) expect(body[field]).toMatch(/^\d+\.\d+$/);
    expect(Number(body.expected_shortfall)).toBeGreaterThanOrEqual(Number(body.var_95));
    // The newest stored daily candle is complete: the latest close was current at its end.
    expect(body.timestamp).toBe(new Date(btcNewest().open_time + DAY).toISOString());
  });

  it("uses the requested window and confidence", async () => {
    const body = await json(await get("/api/v1/analysis/risk/BTC-USDT?window=30&confidence=0.99"));
    const expected = formatRisk(computeRisk(await storedCloses("BTC-USDT", "1d", 31), 30, 0.99));
    expect(body).toMatchObject({ ...expected, window: 30, confidence: 0.99 });
    const wide = await json(await get("/api/v1/analysis/risk/BTC-USDT?window=399&confidence=0.9"));
    expect(wide).toMatchObject({ window: 399, confidence: 0.9 });
    expect(wide.volatility).not.toBe(body.volatility);
  });

  it.each([
    ["window=29", "query.window"],
    ["window=2001", "query.window"],
    ["window=30.5", "query.window"],
    ["window=abc", "query.window"],
    ["confidence=0.89", "query.confidence"],
    ["confidence=0.9991", "query.confidence"],
    ["confidence=1", "query.confidence"],
    ["confidence=high", "query.confidence"],
  ])("refuses %s with 400 validation_error", async (query, path) => {
    const error = await expectError(await get(`/api/v1/analysis/risk/BTC-USDT?${query}`), 400, "validation_error");
    expect(error.details.issues).toEqual([expect.objectContaining({ path })]);
  });

  it("answers 404 MARKET_001 for an unknown symbol and 400 for a malformed one", async () => {
    const error = await expectError(await get("/api/v1/analysis/risk/NOPE-USDT"), 404, "MARKET_001");
    expect(error.details).toEqual({ symbol: "NOPE-USDT" });
    await expectError(await get("/api/v1/analysis/risk/btc-usdt"), 400, "validation_error");
  });

  it("answers 422 insufficient_history with what is needed and what is stored", async () => {
    const error = await expectError(await get("/api/v1/analysis/risk/TEN-USDT"), 422, "insufficient_history");
    expect(error.message).toContain("366 daily candles");
    expect(error.details).toEqual({ required_candles: 366, available_candles: 10, window: 365 });
    // A window one return too long for the stored history.
    const short = await expectError(
      await get("/api/v1/analysis/risk/BTC-USDT?window=400"),
      422,
      "insufficient_history",
    );
    expect(short.details).toMatchObject({ required_candles: 401, available_candles: 400 });
    // Hourly candles are not daily ones.
    const hourly = await expectError(
      await get("/api/v1/analysis/risk/SOL-USDT?window=30"),
      422,
      "insufficient_history",
    );
    expect(hourly.details).toMatchObject({ available_candles: 0 });
  });

  it("sees a re-ingested latest candle at once despite the cache", async () => {
    const before = await json(await get("/api/v1/analysis/risk/BTC-USDT?window=60"));
    const last = btcNewest();
    // The same day re-sent with a 20 % lower close (low moved down with it).
    const close = (Number(last.close) * 0.8).toFixed(2);
    const changed = { ...last, close, low: close };
    expect((await ingest({ exchange: "binance", candles: candleItems("BTC-USDT", "1d", [changed]) })).status).toBe(202);
    const after = await json(await get("/api/v1/analysis/risk/BTC-USDT?window=60"));
    expect(after.var_95).not.toBe(before.var_95);
    const expected = formatRisk(computeRisk(await storedCloses("BTC-USDT", "1d", 61), 60, 0.95));
    expect(after).toMatchObject(expected);
    await ingest({ exchange: "binance", candles: candleItems("BTC-USDT", "1d", [last]) });
  });
});

describe("GET /api/v1/analysis/prediction/{symbol}", () => {
  it.each([
    ["SOL-USDT", "1h", "ensemble"],
    ["SOL-USDT", "1h", "lstm"],
    ["SOL-USDT", "4h", "ensemble"],
    ["SOL-USDT", "4h", "lstm"],
    ["BTC-USDT", "1d", "ensemble"],
    ["BTC-USDT", "1d", "lstm"],
  ])("forecasts %s %s with the trained %s model inside its own interval", async (symbol, timeframe, model) => {
    const res = await get(`/api/v1/analysis/prediction/${symbol}?timeframe=${timeframe}&model=${model}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(Object.keys(body).sort()).toEqual(
      ["confidence", "interval_high", "interval_low", "model", "prediction", "symbol", "timeframe", "timestamp"].sort(),
    );
    expect(PredictionResponse.strict().parse(body)).toEqual(body);
    expect(body).toMatchObject({ symbol, timeframe, model });
    for (const field of ["prediction", "interval_low", "interval_high"]) expect(body[field]).toMatch(/^\d+\.\d+$/);
    const [low, mid, high] = [body.interval_low, body.prediction, body.interval_high].map(Number) as [
      number,
      number,
      number,
    ];
    expect(low).toBeLessThanOrEqual(mid);
    expect(mid).toBeLessThanOrEqual(high);
    expect(high).toBeGreaterThan(low);
    expect(body.confidence).toBeGreaterThanOrEqual(0);
    expect(body.confidence).toBeLessThanOrEqual(1);
    // The confidence is the stored model's walk-forward hit rate, not a constant.
    const stored = (await storedModels(symbol)).find((m) => m.timeframe === timeframe && m.model === model);
    expect(body.confidence).toBeCloseTo(stored?.confidence as number, 4);
    // Near the last close: these are 1-24 h forecasts of liquid pairs.
    const last = (await storedCloses(symbol, timeframe === "1d" ? "1d" : "1h", 1))[0] as number;
    expect(Math.abs(mid / last - 1)).toBeLessThan(0.1);
    const newest =
      symbol === "BTC-USDT"
        ? btcNewest().open_time + DAY
        : (realCandles("SOL-USDT", "1h").at(-1)?.open_time as number) + HOUR;
    expect(body.timestamp).toBe(new Date(newest).toISOString());
  });

  it("defaults to the 1h ensemble", async () => {
    const body = await json(await get("/api/v1/analysis/prediction/SOL-USDT"));
    expect(body).toMatchObject({ timeframe: "1h", model: "ensemble" });
  });

  it.each([["model=foo"], ["model=LSTM"], ["timeframe=2h"], ["timeframe="]])(
    "refuses %s with 400 validation_error",
    async (query) => {
      const res = await get(`/api/v1/analysis/prediction/SOL-USDT?${query}`);
      const error = await expectError(res, 400, "validation_error");
      expect(error.details.issues).toHaveLength(1);
    },
  );

  it("answers 404 MARKET_001 for an unknown symbol", async () => {
    await expectError(await get("/api/v1/analysis/prediction/NOPE-USDT?timeframe=1d"), 404, "MARKET_001");
  });

  it("answers 503 AI_001 for a symbol with 10 candles, saying history is missing", async () => {
    for (const [timeframe, interval] of [
      ["1d", "1d"],
      ["1h", "1h"],
      ["4h", "1h"],
    ]) {
      for (const model of ["ensemble", "lstm"]) {
        const res = await get(`/api/v1/analysis/prediction/TEN-USDT?timeframe=${timeframe}&model=${model}`);
        const error = await expectError(res, 503, "AI_001");
        expect(error.message).toMatch(/^Not enough history/);
        expect(error.message).toContain("200");
        expect(error.details).toEqual({
          reason: "insufficient_history",
          required_candles: 200,
          available_candles: 10,
          interval,
        });
        expect(res.headers.get("retry-after")).toBeNull();
      }
    }
  });

  it("answers 503 AI_001 with Retry-After while a symbol with enough history waits for training", async () => {
    const res = await get("/api/v1/analysis/prediction/ETH-USDT?timeframe=1d&model=lstm");
    const error = await expectError(res, 503, "AI_001");
    expect(error.message).toContain("No trained lstm model for ETH-USDT 1d yet");
    expect(error.details).toEqual({ reason: "not_trained_yet" });
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(330);
  });

  it("runs the stored model on newer candles without retraining it", async () => {
    const before = await storedModels("BTC-USDT");
    const first = await json(await get("/api/v1/analysis/prediction/BTC-USDT?timeframe=1d&model=ensemble"));
    // The next real daily candle arrives after training.
    await storeReal("BTC-USDT", "BTC-USDT", "1d", 1, { endIndex: BTC_END + 1 });
    const second = await json(await get("/api/v1/analysis/prediction/BTC-USDT?timeframe=1d&model=ensemble"));
    expect(Date.parse(second.timestamp) - Date.parse(first.timestamp)).toBe(DAY);
    expect(second.prediction).not.toBe(first.prediction);
    expect(await storedModels("BTC-USDT")).toEqual(before);
  });
});
