/**
 * `GET /analysis/prediction/{symbol}`: inference only. The stored model (trained by the cron)
 * runs on the newest base candles; nothing is ever trained on the request path.
 */
import {
  type BaseInterval,
  countCandlesUpTo,
  type ModelRow,
  modelRowStatement,
  type SeriesStamp,
  seriesStampStatement,
  symbolExistsStatement,
} from "../../db/analysis-models";
import { listCandles } from "../../db/candles";
import { ApiError } from "../../errors";
import { TtlCache } from "../../lib/ttl-cache";
import { INTERVAL_MS } from "../market/intervals";
import { unknownSymbol } from "../market/symbols";
import { toIso } from "../market/time";
import { type Forecast, type ForecastModelName, formatForecast, predictionHistory, predictWithModel } from "./forecast";
import { cachedModel, MODEL_FORMAT, type ModelKey, resolveModel } from "./model-store";
import { type ForecastTimeframe, TIMEFRAMES } from "./timeframes";
import { TRAINING_PERIOD_SECONDS } from "./training-plan";

/** The response of the prediction route (API.md "Analysis"). */
export interface PredictionReport {
  symbol: string;
  prediction: string;
  confidence: number;
  interval_low: string;
  interval_high: string;
  timeframe: ForecastTimeframe;
  model: ForecastModelName;
  timestamp: string;
}

type Forecasted = Pick<PredictionReport, "prediction" | "confidence" | "interval_low" | "interval_high">;

/**
 * How long a forecast is served from the isolate. Its key holds the model version and the
 * newest candle's open and update times, so a retrained model or a new candle is seen at once.
 */
export const PREDICTION_CACHE_TTL_MS = 60_000;
const forecasts = new TtlCache<string, { values: Forecasted; latestOpen: number }>({
  ttlMs: PREDICTION_CACHE_TTL_MS,
  maxEntries: 2000,
});

/** 503 `AI_001` for a model that cannot answer yet, saying whether history or training is missing. */
async function noModel(
  db: D1Database,
  key: ModelKey,
  base: BaseInterval,
  minCandles: number,
  row: ModelRow | undefined,
  now: number,
): Promise<never> {
  const available = await countCandlesUpTo(db, key.symbol, base, minCandles);
  if (available < minCandles) {
    throw new ApiError(
      "AI_001",
      `Not enough history: forecasting ${key.timeframe} needs at least ${minCandles} ${base} candles and ${key.symbol} has ${available}.`,
      {
        details: {
          reason: "insufficient_history",
          required_candles: minCandles,
          available_candles: available,
          interval: base,
        },
      },
    );
  }
  const failed = row?.last_error !== null && row?.last_error !== undefined;
  const retryAfter = TRAINING_PERIOD_SECONDS - (Math.floor(now / 1000) % TRAINING_PERIOD_SECONDS) + 30;
  throw new ApiError(
    "AI_001",
    failed
      ? `No trained ${key.model} model for ${key.symbol} ${key.timeframe}: the last training failed; it is retried when new candles arrive.`
      : `No trained ${key.model} model for ${key.symbol} ${key.timeframe} yet: models are trained in the background every ${TRAINING_PERIOD_SECONDS / 60} minutes.`,
    {
      details: { reason: failed ? "training_failed" : "not_trained_yet" },
      headers: failed ? {} : { "Retry-After": String(retryAfter) },
    },
  );
}

function formatted(forecast: Forecast, closes: readonly number[]): Forecasted {
  try {
    return formatForecast(forecast, closes[closes.length - 1] as number);
  } catch {
    // Finite but beyond what a decimal string can hold (≥ 1e21): as unusable as infinity.
    throw new ApiError("AI_002", "The forecast is not a finite number.");
  }
}

/**
 * Forecast of `symbol`'s close `timeframe` after its newest base candle, with an 80 % interval
 * and the model's confidence. 404 `MARKET_001` for an unknown symbol; 503 `AI_001` with too
 * little history or no trained model; 500 `AI_002` when the forecast is not finite.
 */
export async function predictPrice(
  db: D1Database,
  query: ModelKey,
  options: { minCandles: number },
  now = Date.now(),
): Promise<PredictionReport> {
  const { symbol, timeframe, model } = query;
  const base = TIMEFRAMES[timeframe].baseInterval;
  const cached = cachedModel(query, now);
  const [exists, rows, newest] = await db.batch<unknown>([
    symbolExistsStatement(db, symbol),
    modelRowStatement(db, query, cached?.version ?? 0),
    seriesStampStatement(db, symbol, base),
  ]);
  if (!exists?.results.length) throw unknownSymbol(symbol);
  const row = rows?.results[0] as ModelRow | undefined;
  const latest = newest?.results[0] as SeriesStamp | undefined;
  if (!row || row.version === 0 || row.format !== MODEL_FORMAT || !latest) {
    return noModel(db, query, base, options.minCandles, row, now);
  }

  const key = `${symbol}|${timeframe}|${model}|${row.version}|${latest.open_time}|${latest.updated_at}`;
  let entry = forecasts.get(key, now);
  if (!entry) {
    const trained = resolveModel(query, row, cached, now);
    const candles = await listCandles(db, {
      symbol,
      interval: base,
      end: latest.open_time,
      limit: Math.max(options.minCandles, predictionHistory(timeframe, model)),
      order: "desc",
    });
    if (candles.length < options.minCandles) return noModel(db, query, base, options.minCandles, row, now);
    const closes = candles.reverse().map((c) => Number(c.close));
    entry = { values: formatted(predictWithModel(trained, closes), closes), latestOpen: latest.open_time };
    forecasts.set(key, entry, now);
  }
  const { prediction, confidence, interval_low, interval_high } = entry.values;
  return {
    symbol,
    prediction,
    confidence,
    interval_low,
    interval_high,
    timeframe,
    model,
    // The forecast's origin: the newest close, current at the end of its candle (or now).
    timestamp: toIso(Math.min(entry.latestOpen + INTERVAL_MS[base], now)),
  };
}

/** Forgets cached forecasts (tests). */
export function clearPredictionCache(): void {
  forecasts.clear();
}
