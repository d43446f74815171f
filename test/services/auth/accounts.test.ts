import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConfig } from "../../../src/config";
import type { DomainEvent } from "../../../src/services/audit/record";
import { login, register } from "../../../src/services/auth/accounts";
import type { AuthDeps } from "../../../src/services/auth/deps";
import { hashPassword } from "../../../src/services/auth/passwords";
import { PASSWORD, uniqueEmail } from "../../auth-helpers";

function deps(events: DomainEvent[] = [], overrides: Partial<AuthDeps> = {}): AuthDeps {
  return {
    db: env.DB,
    config: getConfig(env),
    now: Date.now(),
    audit: (e) => events.push(e),
    security: () => {},
    ...overrides,
  };
}

async function storedHash(email: string): Promise<string | undefined> {
  const row = await env.DB.prepare("SELECT password_hash FROM users WHERE email = ?1")
    .bind(email)
    .first<{ password_hash: string }>();
  return row?.password_hash;
}

describe("accounts service", () => {
  it("upgrades a hash made with fewer iterations at the next successful login", async () => {
    const email = uniqueEmail("rehash");
    await register(deps(), { email, password: PASSWORD });
    await env.DB.prepare("UPDATE users SET password_hash = ?2 WHERE email = ?1")
      .bind(email, await hashPassword(PASSWORD, 10_000))
      .run();
    await login(deps(), { email, password: PASSWORD });
    expect((await storedHash(email))?.split("$")[1]).toBe("100000");
    // And the upgraded hash still verifies.
    await expect(login(deps(), { email, password: PASSWORD })).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("records audit events without passwords, hashes or tokens", async () => {
    const events: DomainEvent[] = [];
    const email = uniqueEmail("audit");
    const { user_id } = await register(deps(events), { email, password: PASSWORD });
    await login(deps(events), { email, password: "wrong password!!" }).catch(() => {});
    const tokens = await login(deps(events), { email, password: PASSWORD });
    expect(events.map((e) => [e.event, e.account_id])).toEqual([
      ["auth.register", user_id],
      ["auth.login_failed", user_id],
      ["auth.login_succeeded", user_id],
    ]);
    const text = JSON.stringify(events);
    for (const secret of [
      PASSWORD,
      "wrong password!!",
      tokens.access_token,
      tokens.refresh_token,
      await storedHash(email),
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("leaves no account behind when a registration loses the race for its email", async () => {
    const email = uniqueEmail("race");
    const results = await Promise.allSettled([
      register(deps(), { email, password: PASSWORD }),
      register(deps(), { email, password: PASSWORD }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason.code).toBe("conflict");
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE email = ?1")
      .bind(email)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });
});
