import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors";
import {
  formatForecast,
  predictWithModel,
  type TrainedModel,
  trainModel,
} from "../../../src/services/analysis/forecast";
import { mulberry32, normalDraw } from "../../../src/services/analysis/prng";
import { MIN_HISTORY, TIMEFRAMES } from "../../../src/services/analysis/timeframes";

function prices(n: number, seed: number, driftPerStep = 0, sd = 0.01): number[] {
  const rng = mulberry32(seed);
  const out = [100];
  for (let t = 1; t < n; t++) out.push((out[t - 1] as number) * Math.exp(driftPerStep + sd * normalDraw(rng)));
  return out;
}

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected an ApiError");
}

describe("timeframes", () => {
  it("builds 1h and 4h from hourly candles (4h = 4 steps ahead) and 1d from daily", () => {
    expect(TIMEFRAMES["1h"]).toMatchObject({ baseInterval: "1h", horizon: 1 });
    expect(TIMEFRAMES["4h"]).toMatchObject({ baseInterval: "1h", horizon: 4 });
    expect(TIMEFRAMES["1d"]).toMatchObject({ baseInterval: "1d", horizon: 1 });
    expect(MIN_HISTORY).toBe(200);
  });
});

describe("ensemble model", () => {
  const closes = prices(400, 1);
  let trained: TrainedModel;
  beforeAll(() => {
    trained = trainModel(closes, "1d", "ensemble");
  });

  it("stores JSON-safe parameters and weights that sum to 1", () => {
    expect(JSON.parse(JSON.stringify(trained))).toEqual(trained);
    expect(trained.members).toHaveLength(4);
    expect(trained.weights?.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(trained.evaluated).toBeGreaterThanOrEqual(30);
  });

  it("forecasts inside its own 80 % interval with a confidence in [0, 1]", () => {
    const forecast = predictWithModel(JSON.parse(JSON.stringify(trained)), closes);
    expect(forecast.intervalLow).toBeLessThan(forecast.prediction);
    expect(forecast.intervalHigh).toBeGreaterThan(forecast.prediction);
    expect(forecast.confidence).toBeGreaterThanOrEqual(0);
    expect(forecast.confidence).toBeLessThanOrEqual(1);
    // A 1 %-a-day random walk: the forecast stays near the last price, the interval a few % wide.
    const last = closes[closes.length - 1] as number;
    expect(Math.abs(forecast.prediction / last - 1)).toBeLessThan(0.01);
    expect(forecast.intervalHigh / forecast.intervalLow).toBeGreaterThan(1.01);
    expect(forecast.intervalHigh / forecast.intervalLow).toBeLessThan(1.1);
  });

  it("derives the interval and confidence from data, not constants", () => {
    const calm = trainModel(prices(400, 2, 0, 0.002), "1d", "ensemble");
    const wild = trainModel(prices(400, 2, 0, 0.05), "1d", "ensemble");
    expect(wild.interval.high - wild.interval.low).toBeGreaterThan(10 * (calm.interval.high - calm.interval.low));
    const trending = trainModel(prices(400, 3, 0.01, 0.002), "1d", "ensemble");
    expect(trending.confidence).toBeGreaterThan(0.9);
    expect(trained.confidence).toBeLessThan(0.8);
  });

  it("forecasts 4 hourly steps ahead for 4h", () => {
    const hourly = prices(300, 4, 0.002, 0.001);
    const one = predictWithModel(trainModel(hourly, "1h", "ensemble"), hourly);
    const four = predictWithModel(trainModel(hourly, "4h", "ensemble"), hourly);
    const last = hourly[hourly.length - 1] as number;
    expect(four.prediction - last).toBeGreaterThan(2 * (one.prediction - last));
  });
});

describe("lstm model", () => {
  const closes = prices(260, 5);
  let trained: TrainedModel;
  beforeAll(() => {
    trained = trainModel(closes, "1h", "lstm");
  });

  it("stores a serialised network and forecasts from it without training", () => {
    expect(typeof trained.network).toBe("string");
    expect(trained.members).toBeUndefined();
    const forecast = predictWithModel(JSON.parse(JSON.stringify(trained)), closes);
    expect(forecast.intervalLow).toBeLessThanOrEqual(forecast.prediction);
    expect(forecast.intervalHigh).toBeGreaterThanOrEqual(forecast.prediction);
    expect(predictWithModel(trained, closes)).toEqual(forecast);
  });

  it("answers AI_002 when the stored network is damaged", () => {
    const damaged: TrainedModel = { ...trained, network: `${trained.network?.slice(0, -20)}"}` };
    const err = apiError(() => predictWithModel(damaged, closes));
    expect(err.code).toBe("AI_002");
    expect(err.status).toBe(500);
  });
});

describe("forecast errors", () => {
  it("answers AI_001 for a symbol with 10 candles", () => {
    for (const model of ["ensemble", "lstm"] as const) {
      const err = apiError(() => trainModel(prices(10, 6), "1d", model));
      expect(err.code).toBe("AI_001");
      expect(err.status).toBe(503);
      expect(err.message).toContain("200");
      expect(err.details).toMatchObject({ required_candles: 200, available_candles: 10, interval: "1d" });
    }
  });

  it("answers AI_001 when predicting from too short a history", () => {
    const trained = trainModel(prices(300, 7), "1d", "ensemble");
    expect(apiError(() => predictWithModel(trained, prices(10, 7))).code).toBe("AI_001");
  });

  it("answers AI_002 for non-finite prices and for a non-finite forecast", () => {
    const closes = prices(300, 8);
    const bad = [...closes];
    bad[150] = Number.NaN;
    expect(apiError(() => trainModel(bad, "1d", "ensemble")).code).toBe("AI_002");
    const trained = trainModel(closes, "1d", "ensemble");
    const broken = { ...trained, interval: { low: Number.NaN, high: 0.1 } };
    expect(apiError(() => predictWithModel(broken, closes)).code).toBe("AI_002");
    const exploding = {
      ...trained,
      weights: [1, 0, 0, 0],
      members: [{}, { mu: 1e6 }, trained.members?.[2], trained.members?.[3]],
    };
    expect(() => predictWithModel(exploding, closes)).not.toThrow(); // naive carries all the weight
    const huge = { ...trained, weights: [0, 1, 0, 0], members: exploding.members };
    expect(apiError(() => predictWithModel(huge, closes)).code).toBe("AI_002");
  });
});

describe("formatForecast", () => {
  it("prints prices with the precision of the latest price and rounds confidence", () => {
    const forecast = { prediction: 93859.714, intervalLow: 92000.5, intervalHigh: 95000.25, confidence: 0.523456 };
    expect(formatForecast(forecast, 93859.71)).toEqual({
      prediction: "93859.71",
      interval_low: "92000.50",
      interval_high: "95000.25",
      confidence: 0.5235,
    });
    expect(formatForecast({ ...forecast, prediction: 0.0000123456 }, 0.0000123).prediction).toBe("0.0000123456");
  });
});
