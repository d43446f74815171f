// Secrets and optional variables that wrangler.toml does not list (so `wrangler types` cannot
// see them). Set them with `.dev.vars` locally and `wrangler secret put` in production.
declare namespace Cloudflare {
  interface Env {
    JWT_SECRET?: string;
    JWT_PRIVATE_KEY?: string;
    ENCRYPTION_KEY?: string;
    METRICS_TOKEN?: string;
    SOLANA_WEBHOOK_SECRET?: string;
    SOLANA_RPC_URL?: string;
    MARKET_UPSTREAM_URL?: string;
  }
}
