import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { findBreak, GENESIS_HASH } from "../../src/services/audit/chain";
import { auditRows } from "../audit-helpers";
import { authHeader, BASE } from "../helpers";

const REQUESTS = 2000;
const CONCURRENT_BATCHES = 8;
const WAVE = 25;

describe("audit delivery under load", () => {
  it("writes exactly one api.request entry per request for 2,000 requests in concurrent batches", async () => {
    const run = `load-${crypto.randomUUID().slice(0, 8)}`;
    const trader = await authHeader("trader", `usr_load_${run}`);
    // A mix of answers: 200s, 401s, 404s and 403s, with and without credentials.
    const paths = ["/api/v1/me", "/api/v1/me", "/nope", "/api/v1/admin/ip-blocks"];
    const perBatch = REQUESTS / CONCURRENT_BATCHES;
    const statuses = new Map<number, number>();
    const contexts: ExecutionContext[] = [];
    // The Worker's own fetch handler, each request with its own ExecutionContext: the audit
    // entries travel only through what the requests themselves hand to waitUntil.
    await Promise.all(
      Array.from({ length: CONCURRENT_BATCHES }, async (_, batch) => {
        for (let wave = 0; wave < perBatch; wave += WAVE) {
          await Promise.all(
            Array.from({ length: Math.min(WAVE, perBatch - wave) }, async (_, k) => {
              const i = batch * perBatch + wave + k;
              const headers: Record<string, string> = { "X-Request-Id": `${run}-${i}` };
              if (i % 4 === 0 || i % 4 === 3) Object.assign(headers, trader);
              const ctx = createExecutionContext();
              contexts.push(ctx);
              const res = await worker.fetch(new Request(`${BASE}${paths[i % paths.length]}`, { headers }), env, ctx);
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
              await res.arrayBuffer();
            }),
          );
        }
      }),
    );
    expect([...statuses.keys()].sort()).toEqual([200, 401, 403, 404]);

    // No explicit flush: once every request's waitUntil work is done, every entry must be in D1.
    await Promise.all(contexts.map((ctx) => waitOnExecutionContext(ctx)));
    const counted = await env.DB.prepare(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT request_id) AS ids FROM audit_log WHERE event = 'api.request' AND request_id LIKE ?1",
    )
      .bind(`${run}-%`)
      .first<{ n: number; ids: number }>();
    expect(counted).toEqual({ n: REQUESTS, ids: REQUESTS });

    // Concurrent writers did not fork the chain: every row links to its predecessor.
    const rows = await auditRows();
    expect(await findBreak({ seq: 0, hash: GENESIS_HASH }, rows)).toBeNull();
    expect(rows.at(-1)?.seq).toBe(rows.length);
  }, 120_000);
});
