-- Portfolio (issue 9): each account's USDT ledger, its positions, and the idempotency keys of
-- its trading writes. Money, prices and sizes are exact decimal TEXT (never REAL); amounts of
-- the ledger have at most 8 fractional digits. Times are epoch milliseconds (UTC).

-- The ledger: every balance or margin movement of an account is one row, numbered 1, 2, 3…
-- per account. Row 1 is the deposit of STARTING_BALANCE (written once, on first access).
--   deposit          balance += amount
--   margin_reserved  margin_used += amount     (a position opened)
--   realized_pnl     balance += amount         (a position closed; amount may be negative)
--   margin_released  margin_used -= amount     (a position closed)
-- balance_after / margin_used_after carry the running totals so the current state is one row;
-- they always equal the sums of the rows up to and including this one.
-- The primary key is also the concurrency guard: a trading write appends the next numbers
-- after the state it read, so of two writes that read the same state only one can commit.
CREATE TABLE portfolio_ledger (
  account_id TEXT NOT NULL REFERENCES users (id),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  kind TEXT NOT NULL CHECK (kind IN ('deposit', 'margin_reserved', 'realized_pnl', 'margin_released')),
  amount TEXT NOT NULL,
  position_id TEXT,                       -- NULL only for the deposit
  balance_after TEXT NOT NULL,
  margin_used_after TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, seq),
  CHECK ((kind = 'deposit') = (seq = 1)),
  CHECK ((kind = 'deposit') = (position_id IS NULL))
) STRICT, WITHOUT ROWID;

-- Positions. Margin = size × entry_price / leverage, rounded up to 8 digits, reserved while open.
CREATE TABLE portfolio_positions (
  position_id TEXT PRIMARY KEY,           -- "pos_" + 24 hex digits
  account_id TEXT NOT NULL REFERENCES users (id),
  symbol TEXT NOT NULL REFERENCES market_symbols (symbol),
  side TEXT NOT NULL CHECK (side IN ('long', 'short')),
  size TEXT NOT NULL,
  leverage INTEGER NOT NULL CHECK (leverage BETWEEN 1 AND 20),
  entry_price TEXT NOT NULL,
  margin TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  opened_at INTEGER NOT NULL,
  exit_price TEXT,
  realized_pnl TEXT,
  closed_at INTEGER,
  CHECK ((status = 'open') = (closed_at IS NULL)),
  CHECK ((closed_at IS NULL) = (exit_price IS NULL) AND (closed_at IS NULL) = (realized_pnl IS NULL))
) STRICT;
-- An account's open positions, newest first (listing, and the state every trading write reads).
CREATE INDEX portfolio_positions_open ON portfolio_positions (account_id, opened_at DESC, position_id DESC)
  WHERE status = 'open';
-- An account's closed positions, most recently closed first.
CREATE INDEX portfolio_positions_closed ON portfolio_positions (account_id, closed_at DESC, position_id DESC)
  WHERE status = 'closed';

-- Idempotency-Key records of completed trading writes, per account and operation. Only a hash
-- of the request is kept (never the body); the stored response is replayed for 24 hours.
CREATE TABLE portfolio_idempotency (
  account_id TEXT NOT NULL REFERENCES users (id),
  operation TEXT NOT NULL CHECK (operation IN ('open', 'close')),
  idempotency_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,             -- SHA-256 hex of the canonical request
  status INTEGER NOT NULL,
  response TEXT NOT NULL,                 -- JSON body sent the first time
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, operation, idempotency_key)
) STRICT, WITHOUT ROWID;
-- The cleanup cron deletes expired records oldest first.
CREATE INDEX portfolio_idempotency_expiry ON portfolio_idempotency (expires_at);
