import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { isNewCountry } from "../../../src/services/security/login-countries";
import { callFrom, eventually, uniqueIp } from "../../audit-helpers";
import { registerUser } from "../../auth-helpers";

function loginFrom(country: string, email: string, password: string) {
  return callFrom(uniqueIp(), "/api/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
    country,
  });
}

async function countries(accountId: string): Promise<Array<{ country: string; last_seen: number }>> {
  const { results } = await env.DB.prepare(
    "SELECT country, last_seen FROM login_countries WHERE account_id = ?1 ORDER BY country",
  )
    .bind(accountId)
    .all<{ country: string; last_seen: number }>();
  return results;
}

async function events(accountId: string) {
  const { results } = await env.DB.prepare(
    "SELECT type, ip, details FROM security_events WHERE account_id = ?1 AND type = 'new_country_login'",
  )
    .bind(accountId)
    .all<{ type: string; ip: string; details: string }>();
  return results;
}

describe("new_country_login", () => {
  it("takes the first country as the baseline and raises an event for a later login from a new one", async () => {
    const user = await registerUser();
    expect((await loginFrom("DE", user.email, user.password)).status).toBe(200);
    await eventually(async () => ((await countries(user.user_id)).length === 1 ? true : undefined));
    const firstSeen = (await countries(user.user_id))[0]?.last_seen ?? 0;

    expect((await loginFrom("DE", user.email, user.password)).status).toBe(200);
    await eventually(async () => (((await countries(user.user_id))[0]?.last_seen ?? 0) > firstSeen ? true : undefined));
    expect(await events(user.user_id)).toEqual([]);

    const res = await loginFrom("BR", user.email, user.password);
    expect(res.status).toBe(200);
    const [event] = await eventually(async () => {
      const found = await events(user.user_id);
      return found.length > 0 ? found : undefined;
    });
    expect(JSON.parse(event?.details ?? "{}")).toEqual({ country: "BR", known_countries: ["DE"] });
    expect(event?.ip).toMatch(/^198\.1[89]\./);
    expect((await countries(user.user_id)).map((c) => c.country)).toEqual(["BR", "DE"]);
  }, 30_000);

  it("judges nothing on failed logins", async () => {
    const user = await registerUser();
    expect((await loginFrom("US", user.email, "wrong password 1234")).status).toBe(401);
    expect((await loginFrom("US", user.email, user.password)).status).toBe(200);
    await eventually(async () => ((await countries(user.user_id)).length === 1 ? true : undefined));
    expect(await events(user.user_id)).toEqual([]);
  }, 30_000);

  it("decides from the account's history alone (pure rule)", () => {
    expect(isNewCountry([], "DE")).toBe(false);
    expect(isNewCountry(["DE"], "DE")).toBe(false);
    expect(isNewCountry(["DE", "FR"], "JP")).toBe(true);
  });
});
