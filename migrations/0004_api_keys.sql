-- API keys (issue 4): scoped keys with tiers, IP and country rules, rotation, usage counts.
-- Times are epoch milliseconds (UTC); the API renders them as ISO 8601.

-- The key itself is never stored: only its SHA-256 (looked up on every authentication, through
-- an in-isolate cache) and a short prefix for humans. The signing secret is AES-256-GCM
-- encrypted under ENCRYPTION_KEY with the key id as additional data.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,                 -- "key_…"
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,       -- SHA-256 hex of the whole key
  prefix TEXT NOT NULL,                -- "pk_" + 8 characters
  secret_sealed TEXT NOT NULL,         -- "v1.<iv>.<ciphertext>" (src/lib/secret-box.ts)
  scopes TEXT NOT NULL,                -- JSON array of scopes
  tier TEXT NOT NULL CHECK (tier IN ('basic', 'premium', 'enterprise')),
  ip_allowlist TEXT NOT NULL,          -- JSON array of normalised addresses / CIDR ranges
  allowed_countries TEXT NOT NULL,     -- JSON array of ISO 3166 alpha-2 codes
  rate_per_minute INTEGER,             -- enterprise keys: set by an admin
  burst INTEGER,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
  suspended_reason TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,                  -- NULL: never expires
  revoked_at INTEGER,
  revoked_reason TEXT CHECK (revoked_reason IN ('revoked', 'rotated')),
  replaced_by TEXT,                    -- the key that a rotation issued in this one's place
  last_used_at INTEGER,
  updated_at INTEGER NOT NULL,
  CHECK ((rate_per_minute IS NULL) = (burst IS NULL)),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
) STRICT;
-- An account's keys, newest first (list pagination, the active-key count).
CREATE INDEX api_keys_user ON api_keys (user_id, created_at DESC, id DESC);

-- Requests and refusals per key, per UTC day, per endpoint template ("GET /api/v1/keys/{key_id}").
-- Written in coalesced batches from each isolate's buffer, never once per request.
CREATE TABLE api_key_usage (
  key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  day TEXT NOT NULL,                   -- "YYYY-MM-DD" (UTC)
  endpoint TEXT NOT NULL,
  requests INTEGER NOT NULL,
  rejected INTEGER NOT NULL,           -- responses with status >= 400 (429 included)
  PRIMARY KEY (key_id, day, endpoint)
) STRICT;
