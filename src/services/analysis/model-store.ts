/**
 * Stored models: the format written to `analysis_models.params` and its checked reading.
 * Parsed models are cached per isolate under their row version, so a request parses a model
 * once per training, not once per request.
 */
import { ApiError } from "../../errors";
import { TtlCache } from "../../lib/ttl-cache";
import type { ForecastModelName, TrainedModel } from "./forecast";
import type { ForecastTimeframe } from "./timeframes";

/** Format of the stored `TrainedModel` (its `v`); rows in another format are retrained by the cron. */
export const MODEL_FORMAT: TrainedModel["v"] = 1;

/** Identifies one stored model. */
export interface ModelKey {
  symbol: string;
  timeframe: ForecastTimeframe;
  model: ForecastModelName;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Parses stored model text, checking what inference relies on (format, model, timeframe,
 * interval, confidence). A row that fails is damaged, not missing: 500 `AI_002`.
 */
export function parseStoredModel(text: string, key: ModelKey): TrainedModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = null;
  }
  const m = raw as Partial<TrainedModel> | null;
  const usable =
    m !== null &&
    typeof m === "object" &&
    m.v === MODEL_FORMAT &&
    m.model === key.model &&
    m.timeframe === key.timeframe &&
    Number.isInteger(m.horizon) &&
    finite(m.interval?.low) &&
    finite(m.interval?.high) &&
    m.interval.low <= m.interval.high &&
    finite(m.confidence) &&
    m.confidence >= 0 &&
    m.confidence <= 1 &&
    (key.model === "lstm" ? typeof m.network === "string" : Array.isArray(m.members) && Array.isArray(m.weights));
  if (!usable) throw new ApiError("AI_002", "The stored model could not be read.");
  return m as TrainedModel;
}

// One parsed model per key; a few kB each, so a thousand keys stay well inside an isolate.
const parsed = new TtlCache<string, { version: number; model: TrainedModel }>({
  ttlMs: 24 * 60 * 60 * 1000,
  maxEntries: 1000,
});

const cacheKey = (key: ModelKey) => `${key.symbol}|${key.timeframe}|${key.model}`;

/** A parsed model and the row version it was parsed from. */
export interface CachedModel {
  version: number;
  model: TrainedModel;
}

/** The cached copy of a model, if any: pass its version to the row read, then to `resolveModel`. */
export function cachedModel(key: ModelKey, now: number): CachedModel | undefined {
  return parsed.get(cacheKey(key), now);
}

/**
 * The model at row `version`: `cached` when `params` is null (the read left the parameters out
 * because the cached version is current), else `params` parsed and cached.
 */
export function resolveModel(
  key: ModelKey,
  row: { version: number; params: string | null },
  cached: CachedModel | undefined,
  now: number,
): TrainedModel {
  if (row.params === null) {
    if (cached?.version === row.version) return cached.model;
    throw new ApiError("AI_002", "The stored model could not be read.");
  }
  const model = parseStoredModel(row.params, key);
  parsed.set(cacheKey(key), { version: row.version, model }, now);
  return model;
}

/** Forgets every cached model (tests, and operators after restoring a database). */
export function clearModelCache(): void {
  parsed.clear();
}
