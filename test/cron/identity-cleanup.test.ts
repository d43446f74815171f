import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../src/cron";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

async function exists(sql: string, id: string): Promise<boolean> {
  return (await env.DB.prepare(sql).bind(id).first()) !== null;
}

describe("identity-cleanup cron job", () => {
  it("purges spent nonces, stale failures, ended locks and long-expired sessions, and keeps the rest", async () => {
    const now = Date.now();
    const tag = crypto.randomUUID().slice(0, 8);
    const user = `usr_cleanup_${tag}`;
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO users (id, email, password_hash, role, created_at) VALUES (?1, ?2, 'x', 'developer', ?3)",
      ).bind(user, `${user}@example.test`, now),
      // Nonces: expired over an hour ago (purged), expired a minute ago (kept for a clear answer), live.
      ...[
        [`old${tag}`, now - 2 * HOUR],
        [`recent${tag}`, now - MINUTE],
        [`live${tag}`, now + 4 * MINUTE],
      ].map(([nonce, expiresAt]) =>
        env.DB.prepare(
          "INSERT INTO wallet_nonces (nonce, wallet, message_hash, created_at, expires_at) VALUES (?1, 'w', 'h', ?2, ?2)",
        ).bind(nonce, expiresAt),
      ),
      env.DB.prepare("INSERT INTO login_failures (email_key, failed_at) VALUES (?1, ?2)").bind(
        `old${tag}`,
        now - 16 * MINUTE,
      ),
      env.DB.prepare("INSERT INTO login_failures (email_key, failed_at) VALUES (?1, ?2)").bind(
        `new${tag}`,
        now - MINUTE,
      ),
      env.DB.prepare("INSERT INTO login_locks (email_key, locked_until) VALUES (?1, ?2)").bind(`ended${tag}`, now - 1),
      env.DB.prepare("INSERT INTO login_locks (email_key, locked_until) VALUES (?1, ?2)").bind(
        `active${tag}`,
        now + MINUTE,
      ),
      // Sessions: refresh expired long before any access token could live (purged), just expired
      // (its last access tokens may still be valid: kept), live.
      ...[
        [`ses_gone_${tag}`, now - 2 * HOUR],
        [`ses_grace_${tag}`, now - MINUTE],
        [`ses_live_${tag}`, now + HOUR],
      ].map(([id, expiresAt]) =>
        env.DB.prepare(
          "INSERT INTO sessions (id, user_id, method, created_at, expires_at) VALUES (?1, ?2, 'password', ?3, ?4)",
        ).bind(id, user, now - 3 * HOUR, expiresAt),
      ),
      env.DB.prepare(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
      ).bind(`hash${tag}`, `ses_gone_${tag}`, now - 3 * HOUR, now - 2 * HOUR),
    ]);

    const ctx = createExecutionContext();
    await runScheduled(createScheduledController({ cron: "*/5 * * * *", scheduledTime: now }), env, ctx);
    await waitOnExecutionContext(ctx);

    const nonce = "SELECT 1 FROM wallet_nonces WHERE nonce = ?1";
    expect(await exists(nonce, `old${tag}`)).toBe(false);
    expect(await exists(nonce, `recent${tag}`)).toBe(true);
    expect(await exists(nonce, `live${tag}`)).toBe(true);
    const failure = "SELECT 1 FROM login_failures WHERE email_key = ?1";
    expect(await exists(failure, `old${tag}`)).toBe(false);
    expect(await exists(failure, `new${tag}`)).toBe(true);
    const lock = "SELECT 1 FROM login_locks WHERE email_key = ?1";
    expect(await exists(lock, `ended${tag}`)).toBe(false);
    expect(await exists(lock, `active${tag}`)).toBe(true);
    const session = "SELECT 1 FROM sessions WHERE id = ?1";
    expect(await exists(session, `ses_gone_${tag}`)).toBe(false);
    expect(await exists(session, `ses_grace_${tag}`)).toBe(true);
    expect(await exists(session, `ses_live_${tag}`)).toBe(true);
    // The purged session's refresh tokens went with it.
    expect(await exists("SELECT 1 FROM refresh_tokens WHERE token_hash = ?1", `hash${tag}`)).toBe(false);
  });
});
