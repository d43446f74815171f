// Generated from the service's OpenAPI document by `npm run client:generate`
// (scripts/client-generate.mjs). Do not edit: change the route schemas and regenerate.
// test/client/generated.test.ts fails when this file is out of date.

/** Named schemas of the OpenAPI document. */
export interface components {
  schemas: {
    IngestCandle: {
      symbol: string;
      interval: "1m" | "5m" | "1h" | "1d";
      timestamp: string;
      open: string;
      high: string;
      low: string;
      close: string;
      volume: string;
    };
    IngestTrade: {
      symbol: string;
      price: string;
      size: string;
      timestamp: string;
    };
    IngestOrderbook: {
      symbol: string;
      bids: [string, string][];
      asks: [string, string][];
      timestamp: string;
    };
    HeliusEnhancedTransaction: {
      /** Base58 transaction signature (64 bytes). */
      signature: string;
      /** Epoch seconds. */
      timestamp: number;
      slot?: number;
      type?: string;
      /** Non-null: a failed transaction; nothing is stored. */
      transactionError?: unknown;
      tokenTransfers?: {
        /** Sender wallet ("" for mints). */
        fromUserAccount: string;
        /** Receiver wallet ("" for burns). */
        toUserAccount: string;
        /** Base58 Solana address (a 32-byte ed25519 public key). */
        mint: string;
        /** Token units (a decimal string is accepted too). */
        tokenAmount: number;
      }[];
    };
    SolanaPricePoint: {
      type: "PRICE";
      /** Base58 Solana address (a 32-byte ed25519 public key). */
      mint: string;
      /** USD per token unit, > 0. */
      price_usd: number | string;
      /** Epoch seconds. */
      timestamp: number;
    };
    /** Any server message of `/ws/market` and `/ws/alerts`, told apart by `type` (and `channel` for acknowledgements). */
    StreamServerMessage: components["schemas"]["StreamTicker"] | components["schemas"]["StreamOrderbook"] | components["schemas"]["StreamAnomalyAlert"] | components["schemas"]["StreamError"] | components["schemas"]["StreamMarketAck"] | components["schemas"]["StreamOrderbookAck"] | components["schemas"]["StreamAnomaliesAck"];
    /** A new live price of a followed symbol (`/ws/market`, channel `market`). */
    StreamTicker: {
      type: "ticker";
      /** `BASE-QUOTE`, upper case. */
      symbol: string;
      price: string;
      timestamp: string;
      volume: string;
    };
    /** A new order book of a followed symbol (`/ws/market`, channel `orderbook`). */
    StreamOrderbook: {
      type: "orderbook";
      /** `BASE-QUOTE`, upper case. */
      symbol: string;
      /** Best first (descending price), cut to the subscribed depth. */
      bids: [string, string][];
      /** Best first (ascending price), cut to the subscribed depth. */
      asks: [string, string][];
      timestamp: string;
    };
    /** An anomaly of a followed token (`/ws/alerts`, channel `anomalies`). */
    StreamAnomalyAlert: {
      type: "anomaly_alert";
      data: {
        token_address: string;
        /** In [0, 1]. */
        risk_score: number;
        /** `whale_movement`, `volume_spike`, `price_spike`, `price_crash`, `holder_concentration` or `wash_trading`. */
        anomaly_type: string;
        timestamp: string;
        /** Per type, as seed 000 (a whale movement: `wallet_address`, `counterparty`, `amount`, `usd_value`, `signature`). */
        details: {
          [key: string]: unknown;
        };
      };
    };
    /** An invalid client message's answer; the socket stays open. */
    StreamError: {
      type: "error";
      error: {
        code: "validation_error" | "unauthorized" | "invalid_token" | "token_expired" | "invalid_api_key" | "invalid_credentials" | "invalid_signature" | "signature_expired" | "replayed_request" | "refresh_token_reused" | "forbidden" | "ip_not_allowed" | "country_not_allowed" | "ip_blocked" | "key_suspended" | "https_required" | "not_found" | "MARKET_001" | "conflict" | "payload_too_large" | "insufficient_history" | "PORT_001" | "PORT_002" | "rate_limit_exceeded" | "temporarily_suspended" | "internal_error" | "AI_002" | "MARKET_002" | "AI_001" | "trading_halted";
        message: string;
      };
    };
    StreamMarketAck: {
      type: "subscribed" | "unsubscribed";
      channel: "market";
      symbols: string[];
    };
    StreamOrderbookAck: {
      type: "subscribed" | "unsubscribed";
      channel: "orderbook";
      /** `BASE-QUOTE`, upper case. */
      symbol: string;
      /** On `subscribed` only. */
      depth?: number;
    };
    StreamAnomaliesAck: {
      type: "subscribed" | "unsubscribed";
      channel: "anomalies";
      /** Null: every token the account monitors. */
      token_addresses: string[] | null;
    };
    /** `market` and `orderbook` on `/ws/market`, `anomalies` on `/ws/alerts`. */
    StreamClientMessage: components["schemas"]["StreamMarketCommand"] | components["schemas"]["StreamOrderbookCommand"] | components["schemas"]["StreamAnomaliesCommand"];
    StreamMarketCommand: {
      action: "subscribe" | "unsubscribe";
      channel: "market";
      symbols: string[];
    };
    StreamOrderbookCommand: {
      action: "subscribe" | "unsubscribe";
      channel: "orderbook";
      /** `BASE-QUOTE`, upper case. */
      symbol: string;
      /** Levels per side (default 10). */
      depth?: number;
    };
    StreamAnomaliesCommand: {
      action: "subscribe" | "unsubscribe";
      channel: "anomalies";
      /** Absent: every token the account monitors. */
      token_addresses?: string[];
    };
    Error: {
      error: {
        code: "validation_error" | "unauthorized" | "invalid_token" | "token_expired" | "invalid_api_key" | "invalid_credentials" | "invalid_signature" | "signature_expired" | "replayed_request" | "refresh_token_reused" | "forbidden" | "ip_not_allowed" | "country_not_allowed" | "ip_blocked" | "key_suspended" | "https_required" | "not_found" | "MARKET_001" | "conflict" | "payload_too_large" | "insufficient_history" | "PORT_001" | "PORT_002" | "rate_limit_exceeded" | "temporarily_suspended" | "internal_error" | "AI_002" | "MARKET_002" | "AI_001" | "trading_halted";
        message: string;
        details: {
          [key: string]: unknown;
        };
        request_id: string;
      };
    };
    Health: {
      status: "ok" | "degraded";
      checks: {
        d1: "ok" | "error";
        durable_objects: "ok" | "error";
      };
      version: string;
      timestamp: string;
    };
    IssuedApiKey: components["schemas"]["ApiKey"] & {
      /** The key (`pk_…`). Shown once: only its SHA-256 is stored. */
      api_key: string;
      /** The HMAC signing secret (`sk_…`). Shown once: stored encrypted (AES-256-GCM). */
      api_secret: string;
    };
    ApiKey: {
      key_id: string;
      name: string;
      /** The key's first characters, to tell keys apart. */
      prefix: string;
      scopes: ("read:market" | "read:analysis" | "read:tokens" | "read:portfolio" | "write:trading" | "write:monitor" | "read:audit" | "write:ingest" | "admin")[];
      /** Rate-limit tier. `premium` and `enterprise` only by an admin. */
      tier: "basic" | "premium" | "enterprise";
      ip_allowlist: string[];
      allowed_countries: string[];
      status: "active" | "revoked" | "suspended" | "expired";
      created_at: string;
      expires_at: string | null;
      /** Last successful use (refused requests do not count); updated within seconds, not per request. */
      last_used_at: string | null;
      /** created_at + 90 days: rotate the key by then. */
      rotate_after: string;
      /** The key's own rate limit (enterprise keys, set by an admin); null: its tier's. */
      rate_limit: {
        rate_per_minute: number;
        burst: number;
      } | null;
    };
    CreateKeyRequest: {
      /** A label for humans (1-100 characters). */
      name: string;
      /** What the key may do: a subset of the caller's scopes (and, when the caller is itself an API key, of that key's). */
      scopes: ("read:market" | "read:analysis" | "read:tokens" | "read:portfolio" | "write:trading" | "write:monitor" | "read:audit" | "write:ingest" | "admin")[];
      /** Rate-limit tier. `premium` and `enterprise` only by an admin. */
      tier?: "basic" | "premium" | "enterprise";
      /** Up to 10 IPv4/IPv6 addresses or CIDR ranges, matched against `CF-Connecting-IP`; stored normalised (host bits cleared, IPv6 compressed). Empty or absent: any address. */
      ip_allowlist?: string[];
      /** ISO 3166 alpha-2 codes (any case, stored upper-case) matched against the edge's country of the request. Empty or absent: any country. */
      allowed_countries?: string[];
      /** Lifetime in days (1-365). Absent: the key does not expire. */
      expires_in_days?: number;
    };
    ApiKeyList: {
      keys: components["schemas"]["ApiKey"][];
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
    };
    ApiKeyUsage: {
      key_id: string;
      start_time: string;
      end_time: string;
      requests: number;
      /** Responses with status ≥ 400 (429 included). */
      rejected: number;
      /** Per route template, most used first; `unmatched` for paths no route serves. */
      by_endpoint: {
        endpoint: string;
        requests: number;
        rejected: number;
      }[];
      /** Per UTC day, oldest first. */
      by_day: {
        date: string;
        requests: number;
        rejected: number;
      }[];
    };
    SuspendKeyRequest: {
      /** Why (kept with the key and in the security event). */
      reason?: string;
    };
    KeyLimitsRequest: {
      /** New tier; leaving `enterprise` clears the key's own limit. */
      tier?: "basic" | "premium" | "enterprise";
      /** Requests per minute (enterprise only). */
      rate_per_minute?: number;
      /** Bucket size (enterprise only). */
      burst?: number;
    };
    RegisteredUser: {
      user_id: string;
      email: string;
      role: "developer" | "trader" | "admin";
    };
    RegisterRequest: {
      /** Email address (compared case-insensitively). */
      email: string;
      /** 12-256 characters. */
      password: string;
      /** `developer` (default) or `trader`. `admin` cannot be chosen: it comes from `ADMIN_EMAILS`. */
      role?: "developer" | "trader";
    };
    TokenPair: {
      /** JWT for `Authorization: Bearer …`. */
      access_token: string;
      /** Opaque, single-use: every refresh returns a new one and kills the old one. */
      refresh_token: string;
      token_type: "Bearer";
      /** Access token lifetime in seconds. */
      expires_in: number;
      /** When the access token expires. */
      expires_at: string;
    };
    LoginRequest: {
      /** Email address (compared case-insensitively). */
      email: string;
      password: string;
    };
    RefreshRequest: {
      /** The opaque refresh token from the last token pair. */
      refresh_token: string;
    };
    LogoutRequest: {
      /** The opaque refresh token from the last token pair. */
      refresh_token: string;
    };
    WalletNonce: {
      /** Base58 Solana address (a 32-byte ed25519 public key). */
      wallet: string;
      nonce: string;
      /** The exact Sign-In-With-Solana text to sign (UTF-8), as issued. */
      message: string;
      /** The nonce is single-use and valid until then (5 minutes). */
      expires_at: string;
    };
    WalletVerifyRequest: {
      /** Base58 Solana address (a 32-byte ed25519 public key). */
      wallet: string;
      /** The message exactly as issued by the nonce call. */
      message: string;
      /** The ed25519 signature over the UTF-8 message, base58 or base64. */
      signature: string;
    };
    Me: {
      user_id: string;
      /** Null for wallet accounts. */
      email: string | null;
      /** Null for email accounts. */
      wallet: string | null;
      role: "developer" | "trader" | "admin";
      /** Scopes of the credential used. */
      permissions: ("read:market" | "read:analysis" | "read:tokens" | "read:portfolio" | "write:trading" | "write:monitor" | "read:audit" | "write:ingest" | "admin")[];
    };
    Jwks: {
      /** Public JWKs of the current signing key (empty with HS256: a shared secret is never published). */
      keys: {
        [key: string]: unknown;
      }[];
    };
    AuditLogPage: {
      entries: components["schemas"]["AuditEntry"][];
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
    };
    AuditEntry: {
      /** Position in the hash chain. */
      id: string;
      timestamp: string;
      request_id: string | null;
      event: "api.request" | "auth.register" | "auth.login_succeeded" | "auth.login_failed" | "auth.refresh" | "auth.refresh_reused" | "auth.logout" | "auth.wallet_login" | "key.created" | "key.rotated" | "key.revoked" | "key.suspended" | "key.unsuspended" | "position.opened" | "position.closed" | "monitor.started" | "monitor.stopped" | "ratelimit.suspended" | "security.ip_blocked" | "admin.ip_block_added" | "admin.ip_block_removed" | "admin.trading_halt";
      account_id: string | null;
      /** The API key used, if any. */
      key_id: string | null;
      method: string | null;
      /** Route template (never the raw path); null when no route matched. */
      endpoint: string | null;
      /** HTTP status (request entries only). */
      status: number | null;
      ip: string | null;
      /** ISO 3166 alpha-2 from the edge. */
      country: string | null;
      /** Cut to 256 characters. */
      user_agent: string | null;
      /** Request entries only. */
      latency_ms: number | null;
      /** Event specifics (never credentials or bodies), e.g. `error_code` of a refused request. */
      details: {
        [key: string]: unknown;
      };
    };
    IpBlock: {
      block_id: string;
      /** Normalised address or range. */
      ip: string;
      reason: string | null;
      /** `automatic`: raised by a failed-authentication burst. */
      source: "manual" | "automatic";
      created_at: string;
      /** Null: until removed. */
      expires_at: string | null;
    };
    IpBlockRequest: {
      /** An IPv4/IPv6 address or CIDR range (at most /8 wide for IPv4, /16 for IPv6). */
      ip: string;
      reason?: string;
      /** 60 s to 1 year; omit for a block that lasts until removed. */
      expires_in_seconds?: number;
    };
    IpBlockList: {
      blocks: components["schemas"]["IpBlock"][];
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
    };
    TradingHalt: {
      halted: boolean;
      reason: string | null;
      /** Null when the halt was never set. */
      updated_at: string | null;
    };
    TradingHaltRequest: {
      halted: boolean;
      reason?: string;
    };
    SecurityEventList: {
      events: components["schemas"]["SecurityEvent"][];
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
    };
    SecurityEvent: {
      event_id: string;
      type: "failed_auth_burst" | "ip_blocked" | "new_country_login" | "key_suspended" | "rate_limit_suspension" | "refresh_token_reused" | "concurrent_sessions";
      ip: string | null;
      account_id: string | null;
      details: {
        [key: string]: unknown;
      };
      timestamp: string;
    };
    AuditVerifyResult: {
      valid: boolean;
      /** Entries checked by this call. */
      checked: number;
      /** The first entry that fails. */
      first_invalid_id: string | null;
      /** `hash_mismatch`: the entry's content changed; `broken_link`: its predecessor hash is wrong; `sequence_gap`: entries before it are missing; `truncated`: entries at the end are missing; `head_mismatch`: the chain was rewritten; `unexpected_row`: an entry the sequencer never wrote. */
      reason: "sequence_gap" | "broken_link" | "hash_mismatch" | "truncated" | "head_mismatch" | "unexpected_row" | null;
      from_id: string | null;
      to_id: string | null;
      /** False when `limit` stopped the walk. */
      complete: boolean;
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
      /** Whether the end of the log was compared with the sequencer's record of the chain head. */
      head_checked: boolean;
    };
    MarketSymbols: {
      symbols: components["schemas"]["MarketSymbol"][];
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
    };
    MarketSymbol: {
      symbol: string;
      base: string;
      quote: string;
      /** Exchange of the latest price. */
      exchange: string;
      /** Null until a price is known. */
      last_price: string | null;
      /** Time of `last_price`. */
      updated_at: string | null;
    };
    MarketPrice: {
      symbol: string;
      /** Last price, in the quote currency. */
      price: string;
      /** When this price was current. */
      timestamp: string;
      /** Base-asset volume behind the price: the last trade's size, or the volume of the candle whose close it is. */
      volume: string;
      exchange: string;
    };
    MarketHistory: {
      symbol: string;
      interval: "1m" | "5m" | "1h" | "1d";
      /** Oldest first. */
      data: components["schemas"]["Candle"][];
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
    };
    Candle: {
      /** Open time of the candle (UTC). */
      timestamp: string;
      /** First price. */
      open: string;
      /** Highest price. */
      high: string;
      /** Lowest price. */
      low: string;
      /** Last price. */
      close: string;
      /** Traded volume in the base asset. */
      volume: string;
    };
    MarketOrderbook: {
      symbol: string;
      /** `[price, size]`, best (highest) first. */
      bids: [string, string][];
      /** `[price, size]`, best (lowest) first. */
      asks: [string, string][];
      /** Time of the snapshot. */
      timestamp: string;
    };
    IngestResult: {
      /** Items stored. */
      accepted: number;
      /** Items refused, each with why; the others were stored. */
      rejected: ({
        /** Position in its array. */
        index: number;
        kind: "candle" | "trade" | "orderbook";
        reason: string;
      })[];
    };
    MonitorStarted: {
      status: "monitoring";
      /** One per address, in request order. */
      monitoring_ids: string[];
    };
    MonitorRequest: {
      /** 1-100 token mint addresses. */
      token_addresses: string[];
      /** Seconds between scans of these tokens (60-86400). */
      update_interval: number;
    };
    Monitors: {
      monitors: components["schemas"]["Monitor"][];
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
    };
    Monitor: {
      monitoring_id: string;
      token_address: string;
      update_interval: number;
      status: "monitoring";
      created_at: string;
      /** Last change of `update_interval`. */
      updated_at: string;
      /** Last scan of the token (any account's monitor). */
      last_scan_at: string | null;
      /** When the token is due again (scans run every minute). */
      next_scan_at: string | null;
    };
    Anomalies: {
      anomalies: components["schemas"]["AnomalyEvent"][];
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
    };
    AnomalyEvent: {
      id: string;
      token_address: string;
      anomaly_type: "whale_movement" | "volume_spike" | "price_spike" | "price_crash" | "holder_concentration" | "wash_trading";
      risk_score: number;
      /** When it happened: the transfer's time, or the window's newest transfer. */
      timestamp: string;
      /** Per type (README). whale_movement: `wallet_address` (sender), `counterparty` (receiver), `amount` (token units), `usd_value`, `signature`, `slot`, `price_usd`, `threshold_usd`. */
      details: {
        [key: string]: unknown;
      };
    };
    TokenAnalysis: {
      token_address: string;
      timeframe: "1h" | "24h" | "7d";
      /** 1 − Π(1 − s) over the risk scores of the timeframe's anomalies (0 without any). */
      risk_score: number;
      /** The timeframe's anomalies, newest first (≤ 100). */
      anomalies: components["schemas"]["AnomalyEvent"][];
      /** `volume_usd` (priced transfers), `volume` (token units), `transfer_count`, `unpriced_transfers`, `unique_wallets`, `largest_transfer_usd` (null when none was priced), `top10_share` (share of flow of the 10 busiest wallets), `price_change_pct` and `price_usd` (null without price points). */
      metrics: {
        [key: string]: number | null;
      };
      /** Whether any account monitors the token (only monitored tokens are scanned). */
      monitored: boolean;
      /** The scan the metrics and anomalies are as of. */
      last_scan_at: string | null;
      timestamp: string;
    };
    SolanaIngestResult: {
      /** Items stored (or with nothing to store). */
      accepted: number;
      /** Items whose every event was stored before. */
      duplicates: number;
      /** Items refused, with why; the others were stored. */
      rejected: {
        index: number;
        reason: string;
      }[];
    };
    RiskAnalysis: {
      symbol: string;
      /** One-day historical VaR of one unit at the requested `confidence` (the name is the seed's), a positive loss in the quote currency. */
      var_95: string;
      /** Mean one-day loss of one unit over the tail days (≥ `var_95`), quote currency. */
      expected_shortfall: string;
      /** Annualised volatility of daily log returns (sample sd × √365), a fraction. */
      volatility: string;
      /** The confidence level used. */
      confidence: number;
      /** Daily returns used. */
      window: number;
      /** Historical simulation. */
      method: "historical";
      /** When the latest close used was current: the end of the newest daily candle, or now while that day runs. */
      timestamp: string;
    };
    PricePrediction: {
      symbol: string;
      /** Forecast close `timeframe` after `timestamp`, quote currency. */
      prediction: string;
      /** The model's recent directional hit rate in its own walk-forward backtest, (hits + 1) / (calls + 2): how often it lately called the direction of the move right. 0.5 is a coin flip. */
      confidence: number;
      /** Lower end of the 80 % prediction interval. */
      interval_low: string;
      /** Upper end of the 80 % prediction interval. */
      interval_high: string;
      timeframe: "1h" | "4h" | "1d";
      model: "lstm" | "ensemble";
      /** The forecast's origin: when the newest close it starts from was current (the end of the newest base candle, or now while it runs). */
      timestamp: string;
    };
    PortfolioBalance: {
      currency: "USDT";
      /** Starting balance + all realised PnL. */
      balance: string;
      /** balance − margin_used: what new margin can come from. */
      available: string;
      /** Margin reserved by open positions. */
      margin_used: string;
      /** Sum of the open positions' PnL at live prices. */
      unrealized_pnl: string;
      /** balance + unrealized_pnl. */
      equity: string;
      timestamp: string;
    };
    PositionList: {
      positions: components["schemas"]["Position"][];
      /** Cursor of the next page; null at the end. */
      next_cursor: string | null;
    };
    Position: {
      position_id: string;
      symbol: string;
      type: "long" | "short";
      size: string;
      leverage: number;
      /** Price when opened. */
      entry_price: string;
      /** Open: the live price. Closed: the price it was closed at. */
      current_price: string;
      /** Open: unrealised, at `current_price`. Closed: realised. (current − entry) × size for a long, the opposite for a short, rounded half-even to 8 digits; a loss never exceeds the margin. */
      pnl: string;
      /** Margin reserved while open. */
      margin: string;
      status: "open" | "closed";
      /** Open: the time of `current_price`. Closed: when it was closed. */
      timestamp: string;
      opened_at: string;
      /** Null while open. */
      closed_at: string | null;
    };
    OpenedPosition: {
      position_id: string;
      status: "success";
      /** When the position was opened. */
      timestamp: string;
      /** The live price the position was opened at. */
      entry_price: string;
      /** Margin reserved: size × entry_price / leverage, rounded up to 8 digits. */
      margin: string;
    };
    OpenPositionRequest: {
      /** A known market symbol with a live price. */
      symbol: string;
      /** Position size in the base asset, a decimal string. */
      size: string;
      /** `long` or `short`. */
      type: "long" | "short";
      /** Whole number 1-20 (default 1), as a JSON number or a numeric string ("5"). */
      leverage?: number | string;
    };
  };
}

/** Every route: per method its `path` and `query` parameters, `body` and `responses` by status. */
export interface paths {
  "/health": {
    /** Readiness probe */
    get: {
      operationId: "getHealth";
      path: never;
      query: never;
      body: never;
      responses: {
        /** All dependencies answer. */
        "200": components["schemas"]["Health"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
        /** A dependency failed. */
        "503": components["schemas"]["Health"];
      };
    };
  };
  "/api/v1/keys": {
    /** List your API keys */
    get: {
      operationId: "listApiKeys";
      path: never;
      query: {
        /** Page size (1-1000, default 100). */
        limit?: number;
        /** Opaque cursor from a previous page's `next_cursor`. */
        cursor?: string;
      };
      body: never;
      responses: {
        /** A page of keys. */
        "200": components["schemas"]["ApiKeyList"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
    /** Create an API key */
    post: {
      operationId: "createApiKey";
      path: never;
      query: never;
      body: components["schemas"]["CreateKeyRequest"];
      responses: {
        /** The key, with `api_key` and `api_secret` (shown once). */
        "201": components["schemas"]["IssuedApiKey"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `conflict`. */
        "409": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/keys/{key_id}": {
    /** Read an API key */
    get: {
      operationId: "getApiKey";
      path: {
        key_id: string;
      };
      query: never;
      body: never;
      responses: {
        /** The key. */
        "200": components["schemas"]["ApiKey"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
    /** Revoke an API key */
    delete: {
      operationId: "revokeApiKey";
      path: {
        key_id: string;
      };
      query: never;
      body: never;
      responses: {
        /** Revoked. */
        "204": undefined;
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/keys/{key_id}/rotate": {
    /** Rotate an API key */
    post: {
      operationId: "rotateApiKey";
      path: {
        key_id: string;
      };
      query: never;
      body: never;
      responses: {
        /** The new key, with `api_key` and `api_secret` (shown once). */
        "201": components["schemas"]["IssuedApiKey"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `conflict`. */
        "409": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/keys/{key_id}/usage": {
    /** Usage of an API key */
    get: {
      operationId: "getApiKeyUsage";
      path: {
        key_id: string;
      };
      query: {
        /** Start (inclusive, by UTC day). Default: 30 days before end_time. */
        start_time?: string;
        /** End (inclusive, by UTC day). Default: now. */
        end_time?: string;
      };
      body: never;
      responses: {
        /** The key's usage. */
        "200": components["schemas"]["ApiKeyUsage"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/admin/keys/{key_id}/suspend": {
    /** Suspend an API key */
    post: {
      operationId: "suspendApiKey";
      path: {
        key_id: string;
      };
      query: never;
      body: components["schemas"]["SuspendKeyRequest"] | undefined;
      responses: {
        /** The key, now suspended. */
        "200": components["schemas"]["ApiKey"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `conflict`. */
        "409": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/admin/keys/{key_id}/unsuspend": {
    /** Reinstate a suspended API key */
    post: {
      operationId: "unsuspendApiKey";
      path: {
        key_id: string;
      };
      query: never;
      body: never;
      responses: {
        /** The key, now active. */
        "200": components["schemas"]["ApiKey"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `conflict`. */
        "409": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/admin/keys/{key_id}/limits": {
    /** Set an API key's tier and rate limit */
    put: {
      operationId: "setApiKeyLimits";
      path: {
        key_id: string;
      };
      query: never;
      body: components["schemas"]["KeyLimitsRequest"];
      responses: {
        /** The key with its new tier and limit. */
        "200": components["schemas"]["ApiKey"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `conflict`. */
        "409": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/auth/register": {
    /** Create an account */
    post: {
      operationId: "register";
      path: never;
      query: never;
      body: components["schemas"]["RegisterRequest"];
      responses: {
        /** The account. */
        "201": components["schemas"]["RegisteredUser"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `conflict`. */
        "409": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/auth/login": {
    /** Log in with email and password */
    post: {
      operationId: "login";
      path: never;
      query: never;
      body: components["schemas"]["LoginRequest"];
      responses: {
        /** A new session's token pair. */
        "200": components["schemas"]["TokenPair"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/auth/refresh": {
    /** Rotate a refresh token */
    post: {
      operationId: "refreshToken";
      path: never;
      query: never;
      body: components["schemas"]["RefreshRequest"];
      responses: {
        /** The next token pair of the session. */
        "200": components["schemas"]["TokenPair"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/auth/logout": {
    /** End a session */
    post: {
      operationId: "logout";
      path: never;
      query: never;
      body: components["schemas"]["LogoutRequest"];
      responses: {
        /** The session is revoked. */
        "204": undefined;
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/auth/wallet/nonce": {
    /** Start a Solana wallet sign-in */
    get: {
      operationId: "walletNonce";
      path: never;
      query: {
        /** Base58 Solana address (a 32-byte ed25519 public key). */
        wallet: string;
      };
      body: never;
      responses: {
        /** The nonce and the message to sign. */
        "200": components["schemas"]["WalletNonce"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/auth/wallet/verify": {
    /** Finish a Solana wallet sign-in */
    post: {
      operationId: "walletVerify";
      path: never;
      query: never;
      body: components["schemas"]["WalletVerifyRequest"];
      responses: {
        /** A new session's token pair. */
        "200": components["schemas"]["TokenPair"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/me": {
    /** Who am I */
    get: {
      operationId: "getMe";
      path: never;
      query: never;
      body: never;
      responses: {
        /** The caller. */
        "200": components["schemas"]["Me"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/.well-known/jwks.json": {
    /** Public keys of access tokens */
    get: {
      operationId: "getJwks";
      path: never;
      query: never;
      body: never;
      responses: {
        /** The JWK set. */
        "200": components["schemas"]["Jwks"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/audit-logs": {
    /** Read the audit log */
    get: {
      operationId: "listAuditLogs";
      path: never;
      query: {
        /** Only entries at or after this time. */
        start_time?: string;
        /** Only entries before this time. */
        end_time?: string;
        /** Only this event. */
        event?: "api.request" | "auth.register" | "auth.login_succeeded" | "auth.login_failed" | "auth.refresh" | "auth.refresh_reused" | "auth.logout" | "auth.wallet_login" | "key.created" | "key.rotated" | "key.revoked" | "key.suspended" | "key.unsuspended" | "position.opened" | "position.closed" | "monitor.started" | "monitor.stopped" | "ratelimit.suspended" | "security.ip_blocked" | "admin.ip_block_added" | "admin.ip_block_removed" | "admin.trading_halt";
        /** Only this account's entries. Admins may name any account; for anyone else only their own account returns entries. */
        account_id?: string;
        /** Page size (1-1000, default 100). */
        limit?: number;
        /** Opaque cursor from a previous page's `next_cursor`. */
        cursor?: string;
      };
      body: never;
      responses: {
        /** A page of entries. */
        "200": components["schemas"]["AuditLogPage"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/admin/ip-blocks": {
    /** List active IP blocks */
    get: {
      operationId: "listIpBlocks";
      path: never;
      query: {
        /** Page size (1-1000, default 100). */
        limit?: number;
        /** Opaque cursor from a previous page's `next_cursor`. */
        cursor?: string;
      };
      body: never;
      responses: {
        /** A page of blocks. */
        "200": components["schemas"]["IpBlockList"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
    /** Block an IP address or range */
    post: {
      operationId: "addIpBlock";
      path: never;
      query: never;
      body: components["schemas"]["IpBlockRequest"];
      responses: {
        /** The block. */
        "201": components["schemas"]["IpBlock"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `conflict`. */
        "409": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/admin/ip-blocks/{block_id}": {
    /** Remove an IP block */
    delete: {
      operationId: "removeIpBlock";
      path: {
        block_id: string;
      };
      query: never;
      body: never;
      responses: {
        /** Removed. */
        "204": undefined;
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/admin/trading-halt": {
    /** Read the emergency trading halt */
    get: {
      operationId: "getTradingHalt";
      path: never;
      query: never;
      body: never;
      responses: {
        /** The halt state. */
        "200": components["schemas"]["TradingHalt"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
    /** Turn the emergency trading halt on or off */
    put: {
      operationId: "setTradingHalt";
      path: never;
      query: never;
      body: components["schemas"]["TradingHaltRequest"];
      responses: {
        /** The new state. */
        "200": components["schemas"]["TradingHalt"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/admin/security-events": {
    /** List security events */
    get: {
      operationId: "listSecurityEvents";
      path: never;
      query: {
        /** Only events at or after this time. */
        start_time?: string;
        /** Only events before this time. */
        end_time?: string;
        /** Only this type. */
        type?: "failed_auth_burst" | "ip_blocked" | "new_country_login" | "key_suspended" | "rate_limit_suspension" | "refresh_token_reused" | "concurrent_sessions";
        /** Page size (1-1000, default 100). */
        limit?: number;
        /** Opaque cursor from a previous page's `next_cursor`. */
        cursor?: string;
      };
      body: never;
      responses: {
        /** A page of events. */
        "200": components["schemas"]["SecurityEventList"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/admin/audit/verify": {
    /** Verify the audit log's hash chain */
    get: {
      operationId: "verifyAuditChain";
      path: never;
      query: {
        /** Most entries checked by this call (default 100,000). */
        limit?: number;
        /** `next_cursor` of a call that stopped at `limit`. */
        cursor?: string;
      };
      body: never;
      responses: {
        /** The verdict. */
        "200": components["schemas"]["AuditVerifyResult"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/metrics": {
    /** Prometheus metrics */
    get: {
      operationId: "getMetrics";
      path: never;
      query: never;
      body: never;
      responses: {
        /** The current metrics. */
        "200": string;
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/market/symbols": {
    /** List known symbols */
    get: {
      operationId: "listMarketSymbols";
      path: never;
      query: {
        /** Page size (1-1000, default 100). */
        limit?: number;
        /** Opaque cursor from a previous page's `next_cursor`. */
        cursor?: string;
      };
      body: never;
      responses: {
        /** A page of symbols. */
        "200": components["schemas"]["MarketSymbols"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/market/price/{symbol}": {
    /** Latest price */
    get: {
      operationId: "getMarketPrice";
      path: {
        /** `BASE-QUOTE`, upper case. */
        symbol: string;
      };
      query: never;
      body: never;
      responses: {
        /** The latest price. */
        "200": components["schemas"]["MarketPrice"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
        /** `MARKET_002`: the upstream exchange is unreachable. */
        "502": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/market/history/{symbol}": {
    /** Candle history */
    get: {
      operationId: "getMarketHistory";
      path: {
        /** `BASE-QUOTE`, upper case. */
        symbol: string;
      };
      query: {
        /** Candle interval (default 1h). */
        interval?: "1m" | "5m" | "1h" | "1d";
        /** Candle open times from this time (inclusive). */
        start?: string;
        /** Candle open times up to this time (inclusive). */
        end?: string;
        /** Page size (1-1000, default 100). */
        limit?: number;
        /** Opaque cursor from a previous page's `next_cursor`. */
        cursor?: string;
      };
      body: never;
      responses: {
        /** A page of candles. */
        "200": components["schemas"]["MarketHistory"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/market/orderbook/{symbol}": {
    /** Latest order book */
    get: {
      operationId: "getMarketOrderbook";
      path: {
        /** `BASE-QUOTE`, upper case. */
        symbol: string;
      };
      query: {
        /** Levels per side (1-1000, default 10). */
        depth?: number;
      };
      body: never;
      responses: {
        /** The order book. */
        "200": components["schemas"]["MarketOrderbook"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/market/ingest": {
    /** Ingest candles, trades and order books */
    post: {
      operationId: "ingestMarketData";
      path: never;
      query: never;
      body: {
        /** Where the data comes from. */
        exchange: string;
        /** Up to 10000 candles. */
        candles?: components["schemas"]["IngestCandle"][];
        /** Up to 10000 trades. */
        trades?: components["schemas"]["IngestTrade"][];
        /** Up to 100 order book snapshots. */
        orderbooks?: components["schemas"]["IngestOrderbook"][];
      };
      responses: {
        /** What was stored and what was refused. */
        "202": components["schemas"]["IngestResult"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/monitor": {
    /** List my monitored tokens */
    get: {
      operationId: "listMonitors";
      path: never;
      query: {
        /** Page size (1-1000, default 100). */
        limit?: number;
        /** Opaque cursor from a previous page's `next_cursor`. */
        cursor?: string;
      };
      body: never;
      responses: {
        /** A page of monitors. */
        "200": components["schemas"]["Monitors"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
    /** Start monitoring tokens */
    post: {
      operationId: "startMonitoring";
      path: never;
      query: never;
      body: components["schemas"]["MonitorRequest"];
      responses: {
        /** Monitoring started. */
        "201": components["schemas"]["MonitorStarted"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/monitor/{monitoring_id}": {
    /** Stop monitoring a token */
    delete: {
      operationId: "stopMonitoring";
      path: {
        monitoring_id: string;
      };
      query: never;
      body: never;
      responses: {
        /** Stopped. */
        "204": undefined;
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/anomalies": {
    /** Detected anomalies */
    get: {
      operationId: "listAnomalies";
      path: never;
      query: {
        /** Anomalies at or after this time. */
        start_time?: string;
        /** Anomalies at or before this time. */
        end_time?: string;
        /** 0-1. */
        min_risk_score?: number | null;
        /** Base58 Solana address (a 32-byte ed25519 public key). */
        token_address?: string;
        anomaly_type?: "whale_movement" | "volume_spike" | "price_spike" | "price_crash" | "holder_concentration" | "wash_trading";
        /** Page size (1-1000, default 100). */
        limit?: number;
        /** Opaque cursor from a previous page's `next_cursor`. */
        cursor?: string;
      };
      body: never;
      responses: {
        /** A page of anomalies. */
        "200": components["schemas"]["Anomalies"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/token/{token_address}/analysis": {
    /** Token analysis */
    get: {
      operationId: "getTokenAnalysis";
      path: {
        /** Base58 Solana address (a 32-byte ed25519 public key). */
        token_address: string;
      };
      query: {
        /** Default 24h. */
        timeframe?: "1h" | "24h" | "7d";
      };
      body: never;
      responses: {
        /** The token's analysis. */
        "200": components["schemas"]["TokenAnalysis"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/ingest/solana": {
    /** Solana webhook: transfers and prices */
    post: {
      operationId: "ingestSolana";
      path: never;
      query: never;
      body: (components["schemas"]["HeliusEnhancedTransaction"] | components["schemas"]["SolanaPricePoint"])[];
      responses: {
        /** What was stored, already known and refused. */
        "202": components["schemas"]["SolanaIngestResult"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/analysis/risk/{symbol}": {
    /** Historical VaR, expected shortfall and volatility */
    get: {
      operationId: "getRiskAnalysis";
      path: {
        /** `BASE-QUOTE`, upper case. */
        symbol: string;
      };
      query: {
        /** Daily log returns to use (30-2000, default 365); needs `window` + 1 daily candles. */
        window?: number;
        /** Confidence level of VaR and expected shortfall (0.9-0.999, default 0.95). */
        confidence?: number;
      };
      body: never;
      responses: {
        /** Risk metrics of one unit at the latest price. */
        "200": components["schemas"]["RiskAnalysis"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `insufficient_history`, `PORT_001` or `PORT_002`. */
        "422": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/analysis/prediction/{symbol}": {
    /** Price forecast with an 80 % interval */
    get: {
      operationId: "getPricePrediction";
      path: {
        /** `BASE-QUOTE`, upper case. */
        symbol: string;
      };
      query: {
        /** How far ahead: `1h` and `4h` are forecast from hourly candles, `1d` from daily ones (default 1h). */
        timeframe?: "1h" | "4h" | "1d";
        /** `ensemble` (a blend of random walk, drift, damped-trend smoothing and an AR model of returns, weighted by recent walk-forward errors) or `lstm` (a small recurrent network on normalised returns). Default ensemble. */
        model?: "lstm" | "ensemble";
      };
      body: never;
      responses: {
        /** A forecast with its interval and confidence. */
        "200": components["schemas"]["PricePrediction"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
        /** `AI_001` or `trading_halted`. */
        "503": components["schemas"]["Error"];
      };
    };
  };
  "/ws/market": {
    /** Stream tickers and order books (WebSocket) */
    get: {
      operationId: "openMarketStream";
      path: never;
      query: {
        /** A JWT access token or an API key (`pk_…`), for clients that cannot set headers (browsers). Not together with a credential header. */
        token?: string;
      };
      body: never;
      responses: {
        /** Switching protocols: the socket is open and takes market and orderbook subscriptions. */
        "101": undefined;
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/ws/alerts": {
    /** Stream anomaly alerts (WebSocket) */
    get: {
      operationId: "openAlertStream";
      path: never;
      query: {
        /** A JWT access token or an API key (`pk_…`), for clients that cannot set headers (browsers). Not together with a credential header. */
        token?: string;
      };
      body: never;
      responses: {
        /** Switching protocols: the socket is open and takes anomalies subscriptions. */
        "101": undefined;
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/portfolio/balance": {
    /** Your balance */
    get: {
      operationId: "getPortfolioBalance";
      path: never;
      query: never;
      body: never;
      responses: {
        /** The balance. */
        "200": components["schemas"]["PortfolioBalance"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
        /** `MARKET_002`: the upstream exchange is unreachable. */
        "502": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/portfolio/positions": {
    /** Your positions */
    get: {
      operationId: "listPositions";
      path: never;
      query: {
        /** Page size (1-1000, default 100). */
        limit?: number;
        /** Opaque cursor from a previous page's `next_cursor`. */
        cursor?: string;
        /** Default `open`. */
        status?: "open" | "closed";
      };
      body: never;
      responses: {
        /** A page of positions. */
        "200": components["schemas"]["PositionList"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
        /** `MARKET_002`: the upstream exchange is unreachable. */
        "502": components["schemas"]["Error"];
      };
    };
    /** Open a position */
    post: {
      operationId: "openPosition";
      path: never;
      query: never;
      body: components["schemas"]["OpenPositionRequest"];
      responses: {
        /** Opened. */
        "201": components["schemas"]["OpenedPosition"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `conflict`. */
        "409": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `insufficient_history`, `PORT_001` or `PORT_002`. */
        "422": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
        /** `MARKET_002`: the upstream exchange is unreachable. */
        "502": components["schemas"]["Error"];
        /** `AI_001` or `trading_halted`. */
        "503": components["schemas"]["Error"];
      };
    };
  };
  "/api/v1/portfolio/positions/{position_id}": {
    /** One of your positions */
    get: {
      operationId: "getPosition";
      path: {
        position_id: string;
      };
      query: never;
      body: never;
      responses: {
        /** The position. */
        "200": components["schemas"]["Position"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
        /** `MARKET_002`: the upstream exchange is unreachable. */
        "502": components["schemas"]["Error"];
      };
    };
    /** Close a position */
    delete: {
      operationId: "closePosition";
      path: {
        position_id: string;
      };
      query: never;
      body: never;
      responses: {
        /** The closed position, with its realised `pnl`. */
        "200": components["schemas"]["Position"];
        /** `validation_error`: the body, query or path fails its schema. */
        "400": components["schemas"]["Error"];
        /** `unauthorized`, `invalid_token`, `token_expired`, `invalid_api_key`, `invalid_credentials`, `invalid_signature`, `signature_expired`, `replayed_request` or `refresh_token_reused`. */
        "401": components["schemas"]["Error"];
        /** `forbidden` (missing role or scope), `ip_not_allowed`, `country_not_allowed`, `ip_blocked`, `key_suspended` or `https_required`. */
        "403": components["schemas"]["Error"];
        /** `not_found` (including another account's resource) or `MARKET_001`. */
        "404": components["schemas"]["Error"];
        /** `conflict`. */
        "409": components["schemas"]["Error"];
        /** `payload_too_large`: body over 1 MiB. */
        "413": components["schemas"]["Error"];
        /** `rate_limit_exceeded` or `temporarily_suspended`, with `Retry-After` (seconds). */
        "429": components["schemas"]["Error"];
        /** `internal_error` or `AI_002`; never internals. */
        "500": components["schemas"]["Error"];
        /** `MARKET_002`: the upstream exchange is unreachable. */
        "502": components["schemas"]["Error"];
        /** `AI_001` or `trading_halted`. */
        "503": components["schemas"]["Error"];
      };
    };
  };
}
