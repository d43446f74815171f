-- Solana token monitoring (issue 11). Times are epoch milliseconds (UTC); token amounts, prices
-- and USD values are exact decimal TEXT (never REAL); anomaly details are JSON text.

-- Token transfers from the webhook and the RPC pull. One row per (transaction, transfer): a
-- retried webhook or a transfer seen by both sources is stored once.
CREATE TABLE solana_transfers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order: the scanner's per-token cursor
  mint TEXT NOT NULL,
  signature TEXT NOT NULL,
  transfer_index INTEGER NOT NULL,       -- position among the transaction's token transfers
  slot INTEGER,
  block_time INTEGER NOT NULL,
  from_wallet TEXT,                      -- owner wallets; NULL for mints (from) and burns (to)
  to_wallet TEXT,
  amount TEXT NOT NULL,                  -- token units
  source TEXT NOT NULL CHECK (source IN ('webhook', 'rpc')),
  received_at INTEGER NOT NULL
) STRICT;
-- Deduplication, and "which of these signatures are stored" for the RPC pull.
CREATE UNIQUE INDEX solana_transfers_dedupe ON solana_transfers (signature, transfer_index);
-- The scanner's incremental read: a token's transfers after its cursor.
CREATE INDEX solana_transfers_by_mint ON solana_transfers (mint, id);
-- Wallet flows of a time span (trailing-hour rules, analysis).
CREATE INDEX solana_transfers_by_time ON solana_transfers (mint, block_time);

-- USD price points per mint; a transfer is valued at the latest point at or before it.
CREATE TABLE solana_prices (
  mint TEXT NOT NULL,
  price_time INTEGER NOT NULL,
  price_usd TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (mint, price_time)
) STRICT, WITHOUT ROWID;

-- Who monitors what. One row per account and token: monitoring it again changes the interval.
CREATE TABLE solana_monitors (
  id TEXT PRIMARY KEY,                   -- "mon_…"
  account_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_address TEXT NOT NULL,
  update_interval INTEGER NOT NULL CHECK (update_interval BETWEEN 60 AND 86400),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (account_id, token_address)
) STRICT;
CREATE INDEX solana_monitors_by_account ON solana_monitors (account_id, created_at, id);
CREATE INDEX solana_monitors_by_token ON solana_monitors (token_address, update_interval);

-- Scanner and RPC-pull state per token, shared by every account monitoring it.
CREATE TABLE solana_tokens (
  token_address TEXT PRIMARY KEY,
  update_interval INTEGER,               -- shortest interval of its monitors; NULL = unmonitored
  next_scan_at INTEGER NOT NULL,         -- 0 = due at once
  last_scan_at INTEGER,
  last_event_id INTEGER NOT NULL DEFAULT 0,  -- transfers up to this id are scanned
  claim_id TEXT,                         -- the run scanning it now (a lease, see claim_until)
  claim_until INTEGER,
  rpc_last_signature TEXT,               -- newest signature the RPC pull has fully taken in
  rpc_before TEXT,                       -- paging back towards rpc_last_signature (catching up)
  rpc_top TEXT,                          -- newest signature of the catch-up in progress
  rpc_pulled_at INTEGER
) STRICT;
CREATE INDEX solana_tokens_due ON solana_tokens (next_scan_at) WHERE update_interval IS NOT NULL;
CREATE INDEX solana_tokens_rpc ON solana_tokens (rpc_pulled_at) WHERE update_interval IS NOT NULL;

-- Per-token 5-minute volume windows, maintained incrementally by the scanner: volume history
-- and analysis read these, never the raw transfers of the past.
CREATE TABLE solana_windows (
  mint TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  transfers INTEGER NOT NULL,
  volume TEXT NOT NULL,                  -- token units
  volume_usd TEXT NOT NULL,              -- USD of the priced transfers
  unpriced INTEGER NOT NULL,             -- transfers without a USD value
  largest_usd TEXT,                      -- NULL when none was priced
  last_time INTEGER NOT NULL,
  PRIMARY KEY (mint, window_start)
) STRICT, WITHOUT ROWID;

-- Anomalies found by the scanner. `dedupe_key` names the event (whale: signature + transfer;
-- volume spike: window; hourly rules: clock hour), so no run raises the same one twice.
CREATE TABLE solana_anomalies (
  id TEXT PRIMARY KEY,                   -- "ano_…"
  token_address TEXT NOT NULL,
  anomaly_type TEXT NOT NULL CHECK (anomaly_type IN ('whale_movement', 'volume_spike', 'price_spike',
    'price_crash', 'holder_concentration', 'wash_trading')),
  dedupe_key TEXT NOT NULL,
  risk_score REAL NOT NULL CHECK (risk_score >= 0 AND risk_score <= 1),
  occurred_at INTEGER NOT NULL,
  detected_at INTEGER NOT NULL,
  details TEXT NOT NULL,
  UNIQUE (token_address, dedupe_key)
) STRICT;
-- Newest-first pages: all tokens, one token, one type.
CREATE INDEX solana_anomalies_by_time ON solana_anomalies (occurred_at, id);
CREATE INDEX solana_anomalies_by_token ON solana_anomalies (token_address, occurred_at, id);
CREATE INDEX solana_anomalies_by_type ON solana_anomalies (anomaly_type, occurred_at, id);
