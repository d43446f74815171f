import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConfig } from "../../../src/config";
import type { DomainEvent } from "../../../src/services/audit/record";
import { login, register } from "../../../src/services/auth/accounts";
import type { AuthDeps } from "../../../src/services/auth/deps";
import { PASSWORD, post, registerUser, uniqueEmail } from "../../auth-helpers";
import { expectError } from "../../helpers";

const MINUTE = 60_000;

function depsAt(now: number, events: DomainEvent[] = []): AuthDeps {
  return { db: env.DB, config: getConfig(env), now, audit: (e) => events.push(e), security: () => {} };
}

/** The code a login attempt at `now` ends with ("ok" or the ApiError code). */
async function attempt(email: string, password: string, now: number, events?: DomainEvent[]): Promise<string> {
  try {
    await login(depsAt(now, events), { email, password });
    return "ok";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

async function newAccount(now: number): Promise<string> {
  const email = uniqueEmail("lock");
  await register(depsAt(now), { email, password: PASSWORD });
  return email;
}

describe("account lockout (HTTP)", () => {
  it("locks an account after 5 failed logins: the right password is refused with invalid_credentials", async () => {
    const user = await registerUser();
    for (let i = 0; i < 5; i++) {
      await expectError(
        await post("/api/v1/auth/login", { email: user.email, password: `wrong password ${i}` }),
        401,
        "invalid_credentials",
      );
    }
    const locked = await post("/api/v1/auth/login", { email: user.email, password: PASSWORD });
    const error = await expectError(locked, 401, "invalid_credentials");
    // Same answer as a wrong password: the lock is not announced.
    expect(error.message).toBe("The email or password is wrong.");
    expect(error.details).toEqual({});

    // Other accounts are not affected.
    const other = await registerUser();
    expect((await post("/api/v1/auth/login", { email: other.email, password: PASSWORD })).status).toBe(200);
  });
});

describe("account lockout (service, with a controlled clock)", () => {
  it("counts only failures inside the 15-minute window", async () => {
    const t0 = Date.UTC(2030, 0, 1);
    const email = await newAccount(t0);
    for (let i = 0; i < 4; i++)
      expect(await attempt(email, "nope nope nope", t0 + i * MINUTE)).toBe("invalid_credentials");
    // The fifth failure comes after the first one has left the window: still 4 in the window.
    expect(await attempt(email, "nope nope nope", t0 + 15 * MINUTE + 1)).toBe("invalid_credentials");
    expect(await attempt(email, PASSWORD, t0 + 15 * MINUTE + 2)).toBe("ok");
  });

  it("locks for exactly 15 minutes after the 5th failure, then lets the right password in", async () => {
    const t0 = Date.UTC(2030, 1, 1);
    const email = await newAccount(t0);
    const events: DomainEvent[] = [];
    for (let i = 0; i < 5; i++)
      expect(await attempt(email, "nope nope nope", t0 + i * 1000, events)).toBe("invalid_credentials");
    const lockedAt = t0 + 4000;
    expect(events.at(-1)?.details).toMatchObject({
      reason: "bad_password",
      locked_until: new Date(lockedAt + 15 * MINUTE).toISOString(),
    });

    expect(await attempt(email, PASSWORD, lockedAt + 1, events)).toBe("invalid_credentials");
    expect(events.at(-1)?.details).toMatchObject({ reason: "account_locked" });
    expect(await attempt(email, PASSWORD, lockedAt + 15 * MINUTE - 1)).toBe("invalid_credentials");
    expect(await attempt(email, PASSWORD, lockedAt + 15 * MINUTE)).toBe("ok");
  });

  it("does not extend the lock for attempts made during it", async () => {
    const t0 = Date.UTC(2030, 2, 1);
    const email = await newAccount(t0);
    for (let i = 0; i < 5; i++) await attempt(email, "nope nope nope", t0);
    for (let i = 1; i <= 10; i++) await attempt(email, "still wrong!!", t0 + i * MINUTE);
    expect(await attempt(email, PASSWORD, t0 + 15 * MINUTE)).toBe("ok");
  });

  it("starts a fresh count after a successful login", async () => {
    const t0 = Date.UTC(2030, 3, 1);
    const email = await newAccount(t0);
    for (let i = 0; i < 4; i++) await attempt(email, "nope nope nope", t0 + i);
    expect(await attempt(email, PASSWORD, t0 + 10)).toBe("ok");
    for (let i = 0; i < 4; i++) await attempt(email, "nope nope nope", t0 + 20 + i);
    expect(await attempt(email, PASSWORD, t0 + 30)).toBe("ok");
  });

  it("starts a fresh count after a lock ends", async () => {
    const t0 = Date.UTC(2030, 4, 1);
    const email = await newAccount(t0);
    for (let i = 0; i < 5; i++) await attempt(email, "nope nope nope", t0);
    const after = t0 + 15 * MINUTE;
    // One failure after the lock must not re-lock the account.
    expect(await attempt(email, "nope nope nope", after)).toBe("invalid_credentials");
    expect(await attempt(email, PASSWORD, after + 1)).toBe("ok");
  });

  it("treats an unknown email like a real one, so a lock reveals nothing", async () => {
    const t0 = Date.UTC(2030, 5, 1);
    const ghost = uniqueEmail("ghost");
    const events: DomainEvent[] = [];
    for (let i = 0; i < 5; i++) expect(await attempt(ghost, PASSWORD, t0, events)).toBe("invalid_credentials");
    expect(events.map((e) => e.details?.reason)).toEqual(Array(5).fill("unknown_email"));
    expect(events.at(-1)?.details?.locked_until).toBeDefined();
    expect(events.every((e) => e.account_id === null)).toBe(true);
  });
});
