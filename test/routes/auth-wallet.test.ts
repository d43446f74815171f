import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodeBase58 } from "../../src/lib/solana";
import { base64, claimsOf, me, newWallet, post } from "../auth-helpers";
import { call, expectError, json } from "../helpers";

async function nonceFor(wallet: string) {
  const res = await call(`/api/v1/auth/wallet/nonce?wallet=${encodeURIComponent(wallet)}`);
  expect(res.status).toBe(200);
  return (await json(res)) as { wallet: string; nonce: string; message: string; expires_at: string };
}

function verify(body: { wallet: string; message: string; signature: string }) {
  return post("/api/v1/auth/wallet/verify", body);
}

describe("GET /api/v1/auth/wallet/nonce", () => {
  it("issues a Sign-In-With-Solana message with domain, address, statement, URI, version, chain, nonce and times", async () => {
    const wallet = await newWallet();
    const before = Date.now();
    const issued = await nonceFor(wallet.address);
    expect(issued.wallet).toBe(wallet.address);
    expect(issued.nonce).toMatch(/^[0-9a-f]{32}$/);
    const lines = issued.message.split("\n");
    expect(lines[0]).toBe("api.parapet.test wants you to sign in with your Solana account:");
    expect(lines[1]).toBe(wallet.address);
    expect(lines[3]).toMatch(/^Sign in to Parapet\./);
    expect(lines.slice(5)).toEqual([
      "URI: https://api.parapet.test",
      "Version: 1",
      "Chain ID: mainnet",
      `Nonce: ${issued.nonce}`,
      expect.stringMatching(/^Issued At: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      `Expiration Time: ${issued.expires_at}`,
    ]);
    const ttl = Date.parse(issued.expires_at) - before;
    expect(ttl).toBeGreaterThan(299_000);
    expect(ttl).toBeLessThanOrEqual(300_000 + 5_000);
  });

  it("issues a different nonce every time", async () => {
    const wallet = await newWallet();
    const a = await nonceFor(wallet.address);
    const b = await nonceFor(wallet.address);
    expect(a.nonce).not.toBe(b.nonce);
  });

  it("refuses a malformed address with a validation error", async () => {
    for (const bad of ["", "not-base58-0OIl", "1111", encodeBase58(new Uint8Array(31).fill(7)), `${"2".repeat(44)}x`]) {
      const res = await call(`/api/v1/auth/wallet/nonce?wallet=${encodeURIComponent(bad)}`);
      const error = await expectError(res, 400, "validation_error");
      expect(error.details.issues).toEqual([expect.objectContaining({ path: "query.wallet" })]);
    }
    await expectError(await call("/api/v1/auth/wallet/nonce"), 400, "validation_error");
  });
});

describe("POST /api/v1/auth/wallet/verify", () => {
  it("signs in a real ed25519 key pair: token with wallet and nonce, developer account created once", async () => {
    const wallet = await newWallet();
    const issued = await nonceFor(wallet.address);
    const signature = encodeBase58(await wallet.sign(issued.message));
    const res = await verify({ wallet: wallet.address, message: issued.message, signature });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const tokens = await json(res);
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({ wallet: wallet.address, nonce: issued.nonce, role: "developer" });
    expect(await json(await me(tokens.access_token))).toMatchObject({
      user_id: claims.sub,
      email: null,
      wallet: wallet.address,
      role: "developer",
    });

    // A second sign-in of the same wallet reaches the same account.
    const again = await nonceFor(wallet.address);
    const second = await verify({
      wallet: wallet.address,
      message: again.message,
      signature: encodeBase58(await wallet.sign(again.message)),
    });
    expect(claimsOf((await json(second)).access_token).sub).toBe(claims.sub);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE wallet = ?1")
      .bind(wallet.address)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("accepts a base64 signature", async () => {
    const wallet = await newWallet();
    const issued = await nonceFor(wallet.address);
    const signature = base64(await wallet.sign(issued.message));
    const res = await verify({ wallet: wallet.address, message: issued.message, signature });
    expect(res.status).toBe(200);
  });

  it("refuses a reused nonce with nonce_used", async () => {
    const wallet = await newWallet();
    const issued = await nonceFor(wallet.address);
    const body = {
      wallet: wallet.address,
      message: issued.message,
      signature: encodeBase58(await wallet.sign(issued.message)),
    };
    expect((await verify(body)).status).toBe(200);
    const error = await expectError(await verify(body), 401, "invalid_credentials");
    expect(error.details.reason).toBe("nonce_used");
  });

  it("lets only one of two concurrent verifies with the same nonce succeed", async () => {
    const wallet = await newWallet();
    const issued = await nonceFor(wallet.address);
    const body = {
      wallet: wallet.address,
      message: issued.message,
      signature: encodeBase58(await wallet.sign(issued.message)),
    };
    const results = await Promise.all([verify(body), verify(body), verify(body)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  it("refuses a wrong signature with bad_signature, without burning the nonce", async () => {
    const wallet = await newWallet();
    const impostor = await newWallet();
    const issued = await nonceFor(wallet.address);
    const forged = encodeBase58(await impostor.sign(issued.message));
    const error = await expectError(
      await verify({ wallet: wallet.address, message: issued.message, signature: forged }),
      401,
      "invalid_credentials",
    );
    expect(error.details.reason).toBe("bad_signature");
    for (const junk of ["x", "1".repeat(88), base64(new Uint8Array(64))]) {
      const res = await verify({ wallet: wallet.address, message: issued.message, signature: junk });
      expect((await expectError(res, 401, "invalid_credentials")).details.reason).toBe("bad_signature");
    }
    // The owner can still use the nonce.
    const genuine = encodeBase58(await wallet.sign(issued.message));
    expect((await verify({ wallet: wallet.address, message: issued.message, signature: genuine })).status).toBe(200);
  });

  it("refuses a message issued for another wallet with message_mismatch", async () => {
    const victim = await newWallet();
    const attacker = await newWallet();
    const issued = await nonceFor(victim.address);
    // The attacker signs the victim's message with their own key and claims their own wallet.
    const signature = encodeBase58(await attacker.sign(issued.message));
    const error = await expectError(
      await verify({ wallet: attacker.address, message: issued.message, signature }),
      401,
      "invalid_credentials",
    );
    expect(error.details.reason).toBe("message_mismatch");
  });

  it("refuses an altered message with message_mismatch", async () => {
    const wallet = await newWallet();
    const issued = await nonceFor(wallet.address);
    const altered = issued.message.replace("api.parapet.test", "evil.example");
    const signature = encodeBase58(await wallet.sign(altered));
    const error = await expectError(
      await verify({ wallet: wallet.address, message: altered, signature }),
      401,
      "invalid_credentials",
    );
    expect(error.details.reason).toBe("message_mismatch");
  });

  it("refuses an expired nonce with nonce_expired", async () => {
    const wallet = await newWallet();
    const issued = await nonceFor(wallet.address);
    await env.DB.prepare("UPDATE wallet_nonces SET expires_at = ?2 WHERE nonce = ?1")
      .bind(issued.nonce, Date.now() - 1)
      .run();
    const signature = encodeBase58(await wallet.sign(issued.message));
    const error = await expectError(
      await verify({ wallet: wallet.address, message: issued.message, signature }),
      401,
      "invalid_credentials",
    );
    expect(error.details.reason).toBe("nonce_expired");
  });

  it("refuses a message whose nonce this service never issued with unknown_nonce", async () => {
    const wallet = await newWallet();
    const issued = await nonceFor(wallet.address);
    const made_up = issued.message.replace(issued.nonce, "0123456789abcdef0123456789abcdef");
    const signature = encodeBase58(await wallet.sign(made_up));
    const error = await expectError(
      await verify({ wallet: wallet.address, message: made_up, signature }),
      401,
      "invalid_credentials",
    );
    expect(error.details.reason).toBe("unknown_nonce");
  });

  it("refuses a malformed address with a validation error", async () => {
    const wallet = await newWallet();
    const issued = await nonceFor(wallet.address);
    const signature = encodeBase58(await wallet.sign(issued.message));
    const malformed = [
      "0OIl",
      `${wallet.address.slice(0, -1)}0`, // "0" is not in the base58 alphabet
      encodeBase58(new Uint8Array(31).fill(9)),
      encodeBase58(new Uint8Array(33).fill(9)),
      ` ${wallet.address}`,
    ];
    for (const bad of malformed) {
      const error = await expectError(
        await verify({ wallet: bad, message: issued.message, signature }),
        400,
        "validation_error",
      );
      expect(error.details.issues).toEqual([expect.objectContaining({ path: "body.wallet" })]);
    }
  });

  it("refuses empty and oversized fields with a validation error", async () => {
    const wallet = await newWallet();
    await expectError(await verify({ wallet: wallet.address, message: "", signature: "x" }), 400, "validation_error");
    await expectError(
      await verify({ wallet: wallet.address, message: "m".repeat(2049), signature: "x" }),
      400,
      "validation_error",
    );
    await expectError(
      await verify({ wallet: wallet.address, message: "m", signature: "s".repeat(201) }),
      400,
      "validation_error",
    );
  });
});
