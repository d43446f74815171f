import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/cron";
import { trader } from "../portfolio-helpers";

const DAY = 86_400_000;

describe("portfolio-cleanup cron job", () => {
  it("purges Idempotency-Key records past their 24 hours and keeps live ones", async () => {
    const { userId } = await trader();
    const now = Date.now();
    const insert = (key: string, createdAt: number) =>
      env.DB.prepare(
        `INSERT INTO portfolio_idempotency
           (account_id, operation, idempotency_key, request_hash, status, response, created_at, expires_at)
         VALUES (?1, 'open', ?2, 'h', 201, '{}', ?3, ?4)`,
      ).bind(userId, key, createdAt, createdAt + DAY);
    await env.DB.batch([
      insert("two-days-old", now - 2 * DAY),
      insert("just-expired", now - DAY - 1),
      insert("an-hour-old", now - 3_600_000),
    ]);
    const ctx = createExecutionContext();
    await runScheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: now }), env, ctx);
    await waitOnExecutionContext(ctx);
    const { results } = await env.DB.prepare(
      "SELECT idempotency_key FROM portfolio_idempotency WHERE account_id = ?1 ORDER BY idempotency_key",
    )
      .bind(userId)
      .all<{ idempotency_key: string }>();
    expect(results.map((r) => r.idempotency_key)).toEqual(["an-hour-old"]);
  });
});
