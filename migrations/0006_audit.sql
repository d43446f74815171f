-- Audit log, security monitoring and admin controls (issue 6).
-- Times are epoch milliseconds (UTC); the API renders them as ISO 8601.

-- The hash-chained audit log. Rows are written only by the AuditSequencer Durable Object, which
-- assigns `seq` (gapless, starting at 1) and chains every row to its predecessor:
-- hash = SHA-256(prev_hash || canonical content). Retention deletes a prefix of the chain and
-- remembers the last deleted row in audit_anchor, so the rest stays verifiable.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  request_id TEXT,
  event TEXT NOT NULL,
  account_id TEXT,
  key_id TEXT,
  method TEXT,
  endpoint TEXT,                       -- route template, e.g. /api/v1/market/price/{symbol}
  status INTEGER,
  ip TEXT,
  country TEXT,
  user_agent TEXT,
  latency_ms INTEGER,
  details TEXT NOT NULL,               -- canonical JSON (sorted keys)
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
-- GET /audit-logs, newest first: one account's entries, or everyone's (admins).
CREATE INDEX audit_log_account_ts ON audit_log (account_id, ts, seq);
CREATE INDEX audit_log_ts ON audit_log (ts, seq);
CREATE INDEX audit_log_event_ts ON audit_log (event, ts, seq);
-- Concurrent-session detection reads (account, ip) of recent requests from the index alone.
CREATE INDEX audit_log_activity ON audit_log (ts, account_id, ip)
  WHERE event = 'api.request' AND account_id IS NOT NULL;

-- The last row retention deleted (one row, id = 1): the first kept row must link to it.
CREATE TABLE audit_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  purged_at INTEGER NOT NULL
) STRICT;

-- Batches a Worker could not hand to the sequencer (it was unreachable); the sequencer takes them
-- from here on the next cron run, so an outage loses nothing. `id` makes a retried batch count once.
CREATE TABLE audit_spool (
  id TEXT PRIMARY KEY,
  drafts TEXT NOT NULL,                -- JSON array of entries without seq/hash
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_spool_created ON audit_spool (created_at);

-- Blocked IPs and ranges, manual (admin) or automatic (failed-auth burst).
CREATE TABLE ip_blocks (
  id TEXT PRIMARY KEY,                 -- "blk_…"
  ip TEXT NOT NULL,                    -- normalised address or CIDR (host bits cleared)
  reason TEXT,
  source TEXT NOT NULL CHECK (source IN ('manual', 'automatic')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,                  -- NULL: until removed
  created_by TEXT                      -- admin account id for manual blocks
) STRICT;
CREATE INDEX ip_blocks_ip ON ip_blocks (ip, expires_at);
CREATE INDEX ip_blocks_expires ON ip_blocks (expires_at);
CREATE INDEX ip_blocks_created ON ip_blocks (created_at, id);

-- Security events (GET /admin/security-events), newest first.
CREATE TABLE security_events (
  id TEXT PRIMARY KEY,                 -- "sev_…"
  type TEXT NOT NULL,
  ip TEXT,
  account_id TEXT,
  details TEXT NOT NULL,
  ts INTEGER NOT NULL
) STRICT;
CREATE INDEX security_events_ts ON security_events (ts, id);
CREATE INDEX security_events_type_ts ON security_events (type, ts, id);
-- Deduplication of concurrent_sessions per account.
CREATE INDEX security_events_account ON security_events (account_id, type, ts);

-- Countries each account has logged in from, for new_country_login.
CREATE TABLE login_countries (
  account_id TEXT NOT NULL,
  country TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (account_id, country)
) STRICT, WITHOUT ROWID;
