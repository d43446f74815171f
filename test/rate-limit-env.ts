import { env } from "cloudflare:workers";

/**
 * The test environment with every `RATE_LIMIT_*` binding removed (the test bindings raise the
 * limits for other capabilities' tests), plus `overrides`: API.md's defaults unless overridden.
 * A fresh object each call, so the configuration is parsed anew for it.
 */
export function rateLimitEnv(overrides: Record<string, unknown> = {}): Env {
  const base = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("RATE_LIMIT_")));
  return { ...base, ...overrides } as Env;
}

/** A random private IPv4 address, so each test counts against fresh buckets. */
export function freshIp(): string {
  const n = crypto.getRandomValues(new Uint8Array(3));
  return `10.${n[0]}.${n[1]}.${n[2]}`;
}
