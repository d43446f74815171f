-- Analysis (issue 10): forecasting models trained by the cron, read by the prediction route.
-- Times are epoch milliseconds (UTC).

-- One row per symbol, timeframe and model. A row is written by every training attempt: a
-- success replaces `params` and bumps `version`; a failure keeps the last good model and only
-- records what went wrong and on which data, so the same data is not tried again and again.
CREATE TABLE analysis_models (
  symbol TEXT NOT NULL REFERENCES market_symbols (symbol),
  timeframe TEXT NOT NULL CHECK (timeframe IN ('1h', '4h', '1d')),
  model TEXT NOT NULL CHECK (model IN ('lstm', 'ensemble')),
  -- Bumped by each successful training; requests cache the parsed model under it.
  version INTEGER NOT NULL DEFAULT 0,
  -- Format of `params` (TrainedModel.v); a row in an older format is retrained, never served.
  format INTEGER,
  -- JSON TrainedModel: fitted parameters or serialised LSTM weights, and the walk-forward
  -- summary behind the interval and confidence. NULL until a training has succeeded.
  params TEXT,
  -- Open time of the newest base candle the stored model was trained on (its training window end).
  data_end INTEGER,
  trained_at INTEGER,
  -- Training metrics of the stored model, for operators (also inside `params`; the training's
  -- duration is in the `analysis_model_trained` log line).
  candles INTEGER,                       -- base candles trained on
  evaluated INTEGER,                     -- out-of-sample outcomes behind interval and confidence
  confidence REAL,                       -- recent directional hit rate, (hits + 1) / (calls + 2)
  interval_low REAL,                     -- log offsets of the 80 % interval
  interval_high REAL,
  -- Newest base candle seen by the last attempt, successful or not: nothing is retried until
  -- a newer candle arrives.
  attempted_end INTEGER NOT NULL,
  attempted_at INTEGER NOT NULL,
  last_error TEXT,                       -- error code of the last attempt; NULL when it succeeded
  PRIMARY KEY (symbol, timeframe, model),
  CHECK ((params IS NULL) = (version = 0))
) STRICT, WITHOUT ROWID;

-- The prediction route reads one row by its primary key; the cron reads every row (one per
-- symbol × timeframe × model, a few per symbol) in primary-key order. No further index needed.
