import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { claimsOf, loginUser, me, PASSWORD, post, registerUser, signedInUser, uniqueEmail } from "../auth-helpers";
import { expectError, json } from "../helpers";

describe("register → login → /me → refresh → reuse", () => {
  it("rotates refresh tokens, revokes the family on reuse, and lets the user log in again", async () => {
    const user = await registerUser({ role: "trader" });
    expect(user.role).toBe("trader");
    expect(user.user_id).toMatch(/^usr_[0-9a-f]{24}$/);

    const first = await loginUser(user.email);
    expect(first.token_type).toBe("Bearer");
    expect(first.expires_in).toBe(1800);
    expect(Date.parse(first.expires_at) - Date.now()).toBeGreaterThan(1790_000);
    expect(first.expires_at).toMatch(/Z$/);
    expect(first.refresh_token).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);

    const meRes = await me(first.access_token);
    expect(meRes.status).toBe(200);
    expect(await json(meRes)).toEqual({
      user_id: user.user_id,
      email: user.email,
      wallet: null,
      role: "trader",
      permissions: [
        "read:market",
        "read:analysis",
        "read:tokens",
        "read:portfolio",
        "write:trading",
        "write:monitor",
        "read:audit",
      ],
    });

    const refreshed = await post("/api/v1/auth/refresh", { refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get("cache-control")).toBe("no-store");
    const second = await json(refreshed);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(claimsOf(second.access_token).sid).toBe(claimsOf(first.access_token).sid);
    expect((await me(second.access_token)).status).toBe(200);

    // The rotated token presented again: reuse. The whole family dies.
    const reused = await post("/api/v1/auth/refresh", { refresh_token: first.refresh_token });
    await expectError(reused, 401, "refresh_token_reused");
    const successor = await post("/api/v1/auth/refresh", { refresh_token: second.refresh_token });
    await expectError(successor, 401, "invalid_token");
    await expectError(await me(second.access_token), 401, "invalid_token");
    await expectError(await me(first.access_token), 401, "invalid_token");

    const again = await loginUser(user.email);
    expect((await me(again.access_token)).status).toBe(200);
    expect(claimsOf(again.access_token).sid).not.toBe(claimsOf(first.access_token).sid);
  });

  it("puts iss, aud, exp, iat, jti, sub, sid, role and permissions in the access token", async () => {
    const { user, tokens } = await signedInUser();
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({
      iss: "parapet",
      aud: "parapet-api",
      sub: user.user_id,
      role: "developer",
      permissions: ["read:market", "read:analysis", "read:tokens", "read:audit"],
    });
    expect(claims.sid).toMatch(/^ses_/);
    expect(typeof claims.jti).toBe("string");
    expect((claims.exp as number) - (claims.iat as number)).toBe(1800);
    expect(claims.wallet).toBeUndefined();
  });
});

describe("POST /api/v1/auth/register", () => {
  it("defaults to the developer role and normalises the email", async () => {
    const email = uniqueEmail("Mixed.Case");
    const res = await post("/api/v1/auth/register", { email: `  ${email.toUpperCase()} `, password: PASSWORD });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toEqual({ user_id: expect.stringMatching(/^usr_/), email: email.toLowerCase(), role: "developer" });
    expect((await loginUser(email.toUpperCase())).access_token).toBeTruthy();
  });

  it("refuses role admin with a validation error", async () => {
    const res = await post("/api/v1/auth/register", { email: uniqueEmail(), password: PASSWORD, role: "admin" });
    const error = await expectError(res, 400, "validation_error");
    expect(error.details.issues).toEqual([expect.objectContaining({ path: "body.role" })]);
  });

  it("makes an ADMIN_EMAILS address an admin whatever role it asks for", async () => {
    const res = await post("/api/v1/auth/register", {
      email: " Admin@Parapet.TEST ",
      password: PASSWORD,
      role: "trader",
    });
    expect(res.status).toBe(201);
    expect((await json(res)).role).toBe("admin");
    const tokens = await loginUser("admin@parapet.test");
    expect(claimsOf(tokens.access_token).role).toBe("admin");
    expect((await json(await me(tokens.access_token))).permissions).toContain("admin");
  });

  it("answers a taken email with 409 conflict, whatever its case", async () => {
    const user = await registerUser();
    const res = await post("/api/v1/auth/register", { email: user.email.toUpperCase(), password: `${PASSWORD}!` });
    await expectError(res, 409, "conflict");
  });

  it("refuses passwords under 12 characters, counting characters not bytes", async () => {
    const short = await post("/api/v1/auth/register", { email: uniqueEmail(), password: "elevenchars" });
    const error = await expectError(short, 400, "validation_error");
    expect(error.details.issues).toEqual([expect.objectContaining({ path: "body.password" })]);
    // 11 emoji are 44 bytes but still 11 characters.
    await expectError(
      await post("/api/v1/auth/register", { email: uniqueEmail(), password: "🔑".repeat(11) }),
      400,
      "validation_error",
    );
    expect((await post("/api/v1/auth/register", { email: uniqueEmail(), password: "🔑".repeat(12) })).status).toBe(201);
  });

  it("refuses a malformed email, an over-long password and a missing body", async () => {
    await expectError(
      await post("/api/v1/auth/register", { email: "not-an-email", password: PASSWORD }),
      400,
      "validation_error",
    );
    await expectError(
      await post("/api/v1/auth/register", { email: uniqueEmail(), password: "x".repeat(257) }),
      400,
      "validation_error",
    );
    await expectError(await post("/api/v1/auth/register", {}), 400, "validation_error");
  });

  it("stores a salted PBKDF2 hash with its parameters, never the password", async () => {
    const a = await registerUser();
    const b = await registerUser();
    const rows = await env.DB.prepare("SELECT password_hash FROM users WHERE id IN (?1, ?2)")
      .bind(a.user_id, b.user_id)
      .all<{ password_hash: string }>();
    const hashes = rows.results.map((r) => r.password_hash);
    expect(hashes).toHaveLength(2);
    for (const hash of hashes) {
      expect(hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
      expect(hash).not.toContain(PASSWORD);
    }
    // Same password, different salts.
    expect(hashes[0]).not.toBe(hashes[1]);
  });
});

describe("POST /api/v1/auth/login", () => {
  it("gives an unknown email and a wrong password the same answer", async () => {
    const user = await registerUser();
    const wrong = await post("/api/v1/auth/login", { email: user.email, password: `${PASSWORD}?` });
    const unknown = await post("/api/v1/auth/login", { email: uniqueEmail(), password: PASSWORD });
    const a = await expectError(wrong, 401, "invalid_credentials");
    const b = await expectError(unknown, 401, "invalid_credentials");
    expect({ ...a, request_id: "" }).toEqual({ ...b, request_id: "" });
  });

  it("sends tokens with Cache-Control: no-store", async () => {
    const user = await registerUser();
    const res = await post("/api/v1/auth/login", { email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("ignores a stale access token a client keeps sending on sign-in endpoints", async () => {
    const { user, tokens } = await signedInUser();
    const headers = { Authorization: "Bearer eyJhbGciOiJub25lIn0.e30." };
    expect((await post("/api/v1/auth/login", { email: user.email, password: PASSWORD }, headers)).status).toBe(200);
    expect((await post("/api/v1/auth/refresh", { refresh_token: tokens.refresh_token }, headers)).status).toBe(200);
  });
});

describe("POST /api/v1/auth/refresh", () => {
  it("refuses an unknown or malformed refresh token with invalid_token", async () => {
    await expectError(
      await post("/api/v1/auth/refresh", { refresh_token: `rt_${"A".repeat(43)}` }),
      401,
      "invalid_token",
    );
    await expectError(await post("/api/v1/auth/refresh", { refresh_token: "garbage" }), 401, "invalid_token");
    await expectError(await post("/api/v1/auth/refresh", { refresh_token: "" }), 400, "validation_error");
  });

  it("refuses an expired refresh token with invalid_token", async () => {
    const { tokens } = await signedInUser();
    const sid = claimsOf(tokens.access_token).sid as string;
    await env.DB.prepare("UPDATE refresh_tokens SET expires_at = ?2 WHERE session_id = ?1")
      .bind(sid, Date.now() - 1)
      .run();
    const error = await expectError(
      await post("/api/v1/auth/refresh", { refresh_token: tokens.refresh_token }),
      401,
      "invalid_token",
    );
    expect(error.message).toMatch(/expired/);
  });

  it("lets exactly one of two concurrent refreshes with the same token win", async () => {
    const { tokens } = await signedInUser();
    const results = await Promise.all([
      post("/api/v1/auth/refresh", { refresh_token: tokens.refresh_token }),
      post("/api/v1/auth/refresh", { refresh_token: tokens.refresh_token }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
    const loser = results.find((r) => r.status === 401) as Response;
    await expectError(loser, 401, "refresh_token_reused");
  });

  it("keeps the role and wallet of the account in refreshed access tokens", async () => {
    const { tokens } = await signedInUser("trader");
    const next = await json(await post("/api/v1/auth/refresh", { refresh_token: tokens.refresh_token }));
    expect(claimsOf(next.access_token)).toMatchObject({ role: "trader", sid: claimsOf(tokens.access_token).sid });
    expect(claimsOf(next.access_token).jti).not.toBe(claimsOf(tokens.access_token).jti);
  });
});

describe("POST /api/v1/auth/logout", () => {
  it("revokes the family: refresh tokens and access tokens of the session stop working", async () => {
    const { tokens } = await signedInUser();
    expect((await me(tokens.access_token)).status).toBe(200);
    const res = await post("/api/v1/auth/logout", { refresh_token: tokens.refresh_token });
    expect(res.status).toBe(204);
    await expectError(await me(tokens.access_token), 401, "invalid_token");
    await expectError(
      await post("/api/v1/auth/refresh", { refresh_token: tokens.refresh_token }),
      401,
      "invalid_token",
    );
  });

  it("leaves the user's other sessions alone", async () => {
    const { user, tokens } = await signedInUser();
    const other = await loginUser(user.email);
    await post("/api/v1/auth/logout", { refresh_token: tokens.refresh_token });
    expect((await me(other.access_token)).status).toBe(200);
  });

  it("answers 204 to unknown and repeated logouts", async () => {
    const { tokens } = await signedInUser();
    expect((await post("/api/v1/auth/logout", { refresh_token: tokens.refresh_token })).status).toBe(204);
    expect((await post("/api/v1/auth/logout", { refresh_token: tokens.refresh_token })).status).toBe(204);
    expect((await post("/api/v1/auth/logout", { refresh_token: "rt_unknown" })).status).toBe(204);
  });
});

describe("GET /api/v1/me", () => {
  it("needs credentials", async () => {
    const { call } = await import("../helpers");
    await expectError(await call("/api/v1/me"), 401, "unauthorized");
  });
});
