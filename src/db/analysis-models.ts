/** SQL for `analysis_models` (trained forecasting models) and the candle reads analysis needs. */

/** Which base candles a timeframe is modelled from. */
export type BaseInterval = "1h" | "1d";

/** The newest stored candle of a series: enough to tell whether anything changed. */
export interface SeriesStamp {
  open_time: number;
  updated_at: number;
  close: string;
}

/** Newest candle of one symbol and interval (a primary-key probe), or null. */
export function seriesStampStatement(db: D1Database, symbol: string, interval: BaseInterval): D1PreparedStatement {
  return db
    .prepare(
      `SELECT open_time, updated_at, close FROM market_candles
       WHERE symbol = ?1 AND interval = ?2 ORDER BY open_time DESC LIMIT 1`,
    )
    .bind(symbol, interval);
}

/** `{ ok: 1 }` when the symbol exists. */
export function symbolExistsStatement(db: D1Database, symbol: string): D1PreparedStatement {
  return db.prepare("SELECT 1 AS ok FROM market_symbols WHERE symbol = ?1").bind(symbol);
}

/** How many candles of a series exist, counting at most `cap` (a bounded index walk). */
export async function countCandlesUpTo(
  db: D1Database,
  symbol: string,
  interval: BaseInterval,
  cap: number,
): Promise<number> {
  const row = await db
    .prepare(
      `SELECT count(*) AS n FROM (SELECT 1 FROM market_candles
       WHERE symbol = ?1 AND interval = ?2 ORDER BY open_time DESC LIMIT ?3)`,
    )
    .bind(symbol, interval, cap)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Newest candle open time of every symbol's base series that has candles. */
export interface SeriesLatest {
  symbol: string;
  base: BaseInterval;
  latest: number;
}

/** Every symbol's newest candle per base interval (one primary-key probe each). */
export function seriesLatestStatement(db: D1Database, bases: readonly BaseInterval[]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT symbol, base, latest FROM (
         SELECT s.symbol, b.value AS base,
           (SELECT max(c.open_time) FROM market_candles c WHERE c.symbol = s.symbol AND c.interval = b.value) AS latest
         FROM market_symbols s, json_each(?1) b)
       WHERE latest IS NOT NULL ORDER BY symbol, base`,
    )
    .bind(JSON.stringify(bases));
}

/** What the training planner needs to know of a stored model row. */
export interface ModelState {
  symbol: string;
  timeframe: string;
  model: string;
  version: number;
  format: number | null;
  data_end: number | null;
  trained_at: number | null;
  attempted_end: number;
  last_error: string | null;
}

/** Every model row without its parameters, in primary-key order. */
export function modelStatesStatement(db: D1Database): D1PreparedStatement {
  return db.prepare(
    `SELECT symbol, timeframe, model, version, format, data_end, trained_at, attempted_end, last_error
     FROM analysis_models ORDER BY symbol, timeframe, model`,
  );
}

/** A model row as the prediction route reads it; `params` is null when `version` equals the caller's. */
export interface ModelRow {
  version: number;
  format: number | null;
  params: string | null;
  data_end: number | null;
  trained_at: number | null;
  last_error: string | null;
}

/**
 * One model row by primary key. The parameters are left out when the stored version equals
 * `knownVersion` (the caller's cached copy is current): a cache check and a load in one read.
 */
export function modelRowStatement(
  db: D1Database,
  key: { symbol: string; timeframe: string; model: string },
  knownVersion: number,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT version, format, CASE WHEN version = ?4 THEN NULL ELSE params END AS params,
         data_end, trained_at, last_error
       FROM analysis_models WHERE symbol = ?1 AND timeframe = ?2 AND model = ?3`,
    )
    .bind(key.symbol, key.timeframe, key.model, knownVersion);
}

/** A successful training, as written. */
export interface TrainedWrite {
  symbol: string;
  timeframe: string;
  model: string;
  format: number;
  params: string;
  dataEnd: number;
  candles: number;
  evaluated: number;
  confidence: number;
  intervalLow: number;
  intervalHigh: number;
  now: number;
}

/**
 * Stores a trained model and bumps its version. A model trained on older data than the stored
 * one (an overlapping, slower run) is dropped, so the stored model never moves back in time.
 */
export async function saveTrainedModel(db: D1Database, m: TrainedWrite): Promise<void> {
  await db
    .prepare(
      `INSERT INTO analysis_models (symbol, timeframe, model, version, format, params, data_end, trained_at,
         candles, evaluated, confidence, interval_low, interval_high, attempted_end, attempted_at, last_error)
       VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?6, ?7, NULL)
       ON CONFLICT (symbol, timeframe, model) DO UPDATE SET
         version = version + 1, format = excluded.format, params = excluded.params, data_end = excluded.data_end,
         trained_at = excluded.trained_at, candles = excluded.candles, evaluated = excluded.evaluated,
         confidence = excluded.confidence, interval_low = excluded.interval_low,
         interval_high = excluded.interval_high,
         attempted_end = max(attempted_end, excluded.attempted_end), attempted_at = excluded.attempted_at,
         last_error = NULL
       WHERE data_end IS NULL OR excluded.data_end >= data_end`,
    )
    .bind(
      m.symbol,
      m.timeframe,
      m.model,
      m.format,
      m.params,
      m.dataEnd,
      m.now,
      m.candles,
      m.evaluated,
      m.confidence,
      m.intervalLow,
      m.intervalHigh,
    )
    .run();
}

/** Records a failed attempt on data up to `attemptedEnd`; a previously trained model stays as it was. */
export async function saveFailedAttempt(
  db: D1Database,
  a: { symbol: string; timeframe: string; model: string; attemptedEnd: number; error: string; now: number },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO analysis_models (symbol, timeframe, model, attempted_end, attempted_at, last_error)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (symbol, timeframe, model) DO UPDATE SET
         attempted_end = max(attempted_end, excluded.attempted_end), attempted_at = excluded.attempted_at,
         last_error = excluded.last_error`,
    )
    .bind(a.symbol, a.timeframe, a.model, a.attemptedEnd, a.now, a.error)
    .run();
}
