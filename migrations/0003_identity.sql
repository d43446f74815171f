-- Identity (issue 3): accounts, refresh-token families, wallet sign-in nonces, login lockout.
-- Times in these tables are epoch milliseconds (UTC); the API renders them as ISO 8601.

-- People. An account has an email + password, a Solana wallet, or (later) both.
CREATE TABLE users (
  id TEXT PRIMARY KEY,                 -- "usr_…"
  email TEXT UNIQUE,                   -- trimmed + lowercased; NULL for wallet-only accounts
  password_hash TEXT,                  -- "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"
  wallet TEXT UNIQUE,                  -- base58 Solana address (32-byte ed25519 public key)
  role TEXT NOT NULL CHECK (role IN ('developer', 'trader', 'admin')),
  created_at INTEGER NOT NULL,
  CHECK (email IS NOT NULL OR wallet IS NOT NULL),
  CHECK ((email IS NULL) = (password_hash IS NULL))
) STRICT;

-- A session is one refresh-token family (RFC 9700): every rotation stays in it, and revoking it
-- (logout, reuse) kills every refresh token and, through the `sid` claim, every access token.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,                 -- "ses_…", the access token's `sid` claim
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  method TEXT NOT NULL CHECK (method IN ('password', 'wallet')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,         -- expiry of the family's newest refresh token
  revoked_at INTEGER,
  revoked_reason TEXT CHECK (revoked_reason IN ('logout', 'refresh_reuse'))
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Refresh tokens are opaque random strings; only their SHA-256 is stored. A rotated token keeps
-- its row (used_at set) until the family expires, so presenting it again is recognised as reuse.
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  replaced_by TEXT                     -- hash of the token that replaced it
) STRICT;
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Single-use Sign-In-With-Solana nonces; the exact issued message is pinned by its hash.
CREATE TABLE wallet_nonces (
  nonce TEXT PRIMARY KEY,
  wallet TEXT NOT NULL,
  message_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
) STRICT;
CREATE INDEX wallet_nonces_expires ON wallet_nonces (expires_at);

-- Failed password logins per account, keyed by the SHA-256 of the normalised email so unknown
-- emails are counted (and locked) exactly like real ones: both paths do the same work.
CREATE TABLE login_failures (
  email_key TEXT NOT NULL,
  failed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures (email_key, failed_at);
CREATE INDEX login_failures_at ON login_failures (failed_at);

CREATE TABLE login_locks (
  email_key TEXT PRIMARY KEY,
  locked_until INTEGER NOT NULL
) STRICT;
CREATE INDEX login_locks_until ON login_locks (locked_until);
