import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { encodeBase58 } from "../../src/lib/solana";
import { newWallet, uniqueEmail } from "../auth-helpers";
import { BASE, json } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("secrets in logs", () => {
  it("writes no password, hash, refresh token, access token or signature to any log line", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    }
    const app = createApp();
    const request = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
      app.request(
        `${BASE}${path}`,
        body === undefined
          ? { headers }
          : { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) },
        env,
      );

    const email = uniqueEmail("logs");
    const password = "a very secret passphrase 4 logs";
    const wrongPassword = "an almost secret passphrase";
    expect((await request("/api/v1/auth/register", { email, password })).status).toBe(201);
    expect((await request("/api/v1/auth/login", { email, password: wrongPassword })).status).toBe(401);
    const first = await json(await request("/api/v1/auth/login", { email, password }));
    expect((await request("/api/v1/me", undefined, { Authorization: `Bearer ${first.access_token}` })).status).toBe(
      200,
    );
    const second = await json(await request("/api/v1/auth/refresh", { refresh_token: first.refresh_token }));
    expect((await request("/api/v1/auth/refresh", { refresh_token: first.refresh_token })).status).toBe(401);
    expect((await request("/api/v1/me", undefined, { Authorization: `Bearer ${second.access_token}` })).status).toBe(
      401,
    );
    const third = await json(await request("/api/v1/auth/login", { email, password }));
    expect((await request("/api/v1/auth/logout", { refresh_token: third.refresh_token })).status).toBe(204);

    const wallet = await newWallet();
    const issued = await json(await request(`/api/v1/auth/wallet/nonce?wallet=${wallet.address}`));
    const signature = encodeBase58(await wallet.sign(issued.message));
    const walletTokens = await json(
      await request("/api/v1/auth/wallet/verify", { wallet: wallet.address, message: issued.message, signature }),
    );

    const stored = await env.DB.prepare("SELECT password_hash FROM users WHERE email = ?1")
      .bind(email)
      .first<{ password_hash: string }>();
    const [, , salt, hash] = (stored?.password_hash ?? "").split("$");
    const secrets = {
      password,
      wrongPassword,
      stored: stored?.password_hash,
      salt,
      hash,
      signature,
      ...Object.fromEntries(
        [first, second, third, walletTokens].flatMap((t, i) => [
          [`access_${i}`, t.access_token],
          [`refresh_${i}`, t.refresh_token],
          [`jwt_signature_${i}`, t.access_token.split(".")[2]],
        ]),
      ),
    };

    // The flow did log (audit events, the reuse alarm), so the check below is not vacuous.
    const log = lines.join("\n");
    for (const event of [
      "auth.register",
      "auth.login_failed",
      "auth.login_succeeded",
      "auth.refresh",
      "auth.refresh_reused",
      "auth.logout",
      "auth.wallet_login",
    ]) {
      expect(log).toContain(`"${event}"`);
    }
    expect(log).toContain("refresh_token_reused");
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret, name).toBeTruthy();
      expect(log.includes(secret as string), `${name} leaked into the logs`).toBe(false);
    }
  });
});
