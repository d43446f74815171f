-- Market data (issue 7). Prices, sizes and volumes are decimal TEXT exactly as ingested, so they
-- round-trip byte for byte (never REAL); times are epoch milliseconds (INTEGER, UTC).

-- A symbol exists from its first ingested data on.
CREATE TABLE market_symbols (
  symbol TEXT PRIMARY KEY,                -- BTC-USDT
  base TEXT NOT NULL,                     -- BTC
  quote TEXT NOT NULL,                    -- USDT
  exchange TEXT NOT NULL,                 -- exchange of the symbol's first data
  created_at INTEGER NOT NULL,
  upstream_pulled_at INTEGER              -- last upstream pull; NULL = never (pulled first)
) STRICT;

-- Upstream pull picks the symbols pulled longest ago first.
CREATE INDEX market_symbols_by_pull ON market_symbols (upstream_pulled_at, symbol);

-- One row per symbol, interval and open time: re-ingesting a candle replaces it.
-- The primary key serves every read: range scans, the latest candle, and bucket probes.
CREATE TABLE market_candles (
  symbol TEXT NOT NULL REFERENCES market_symbols (symbol),
  interval TEXT NOT NULL CHECK (interval IN ('1m', '5m', '1h', '1d')),
  open_time INTEGER NOT NULL,
  open TEXT NOT NULL,
  high TEXT NOT NULL,
  low TEXT NOT NULL,
  close TEXT NOT NULL,
  volume TEXT NOT NULL,
  exchange TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (symbol, interval, open_time)
) STRICT, WITHOUT ROWID;

-- The live price: the newest of the last trade, the last candle's close and the last upstream
-- ticker. Only moves forward in time (older data never overwrites a newer price).
CREATE TABLE market_prices (
  symbol TEXT PRIMARY KEY REFERENCES market_symbols (symbol),
  price TEXT NOT NULL,
  volume TEXT NOT NULL,                   -- size of the trade, or volume of the candle
  price_time INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('trade', 'candle', 'ticker')),
  exchange TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- The latest order book snapshot per symbol, as JSON [[price, size], ...] text
-- (bids descending, asks ascending). Only moves forward in time.
CREATE TABLE market_orderbooks (
  symbol TEXT PRIMARY KEY REFERENCES market_symbols (symbol),
  snapshot_time INTEGER NOT NULL,
  bids TEXT NOT NULL,
  asks TEXT NOT NULL,
  exchange TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
