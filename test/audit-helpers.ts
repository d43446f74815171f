import { env } from "cloudflare:workers";
import type { AuditRow } from "../src/services/audit/chain";
import { flushAudit, sequencer } from "../src/services/audit/pipeline";
import { call } from "./helpers";

/**
 * Waits until every audit entry this isolate has produced is in D1: flushes the isolate's
 * buffer, then has the sequencer deliver its outbox. Tests run in the Worker's own isolate, so
 * this sees exactly what requests made through `call()` buffered.
 */
export async function flushed(): Promise<void> {
  await flushAudit(env);
  await sequencer(env).flush();
}

/** Audit rows matching a WHERE clause (after flushing), in chain order. */
export async function auditRows(where = "1 = 1", ...params: unknown[]): Promise<AuditRow[]> {
  await flushed();
  const { results } = await env.DB.prepare(`SELECT * FROM audit_log WHERE ${where} ORDER BY seq`)
    .bind(...params)
    .all<AuditRow>();
  return results;
}

/** A test-unique IPv4 address in 198.18.0.0/15 (benchmarking range). */
export function uniqueIp(): string {
  const n = crypto.getRandomValues(new Uint16Array(2));
  return `198.${18 + ((n[0] as number) % 2)}.${(n[1] as number) % 256}.${(((n[0] as number) >> 8) % 254) + 1}`;
}

/** Calls the Worker as a client at `ip` (CF-Connecting-IP) from `country` (request.cf). */
export function callFrom(ip: string, path: string, init: RequestInit & { country?: string } = {}): Promise<Response> {
  const { country, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set("CF-Connecting-IP", ip);
  return call(path, { ...rest, headers, ...(country ? { cf: { country } } : {}) } as RequestInit);
}

/** Polls `check` until it returns a value other than undefined (background work under waitUntil). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
