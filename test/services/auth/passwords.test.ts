import { describe, expect, it } from "vitest";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../../src/services/auth/passwords";

const PASSWORD = "correct horse battery staple";

describe("password hashing", () => {
  it("stores scheme, iterations, salt and hash together, with the Workers maximum of iterations", async () => {
    const stored = await hashPassword(PASSWORD);
    const [scheme, iterations, salt, hash] = stored.split("$");
    expect(scheme).toBe("pbkdf2-sha256");
    expect(Number(iterations)).toBe(PBKDF2_ITERATIONS);
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(atob(salt as string)).toHaveLength(16);
    expect(atob(hash as string)).toHaveLength(32);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword(PASSWORD, stored)).toEqual({ ok: true, needsRehash: false });
    expect((await verifyPassword(`${PASSWORD} `, stored)).ok).toBe(false);
    expect((await verifyPassword("Correct horse battery staple", stored)).ok).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword(PASSWORD)).not.toBe(await hashPassword(PASSWORD));
  });

  it("matches a password typed with composed or decomposed accents (Unicode normalisation)", async () => {
    const composed = "mot de passe d\u00e9j\u00e0 vu";
    const decomposed = "mot de passe de\u0301ja\u0300 vu";
    expect((await verifyPassword(decomposed, await hashPassword(composed))).ok).toBe(true);
  });

  it("refuses everything for an unknown account (null hash) and for a corrupt stored hash", async () => {
    expect(await verifyPassword(PASSWORD, null)).toEqual({ ok: false, needsRehash: false });
    for (const corrupt of [
      "",
      "test-only",
      "pbkdf2-sha256$100000$AA==",
      "md5$1$AA==$AA==",
      "pbkdf2-sha256$999999999$AA==$AA==",
    ]) {
      expect((await verifyPassword(PASSWORD, corrupt)).ok).toBe(false);
    }
  });

  it("flags hashes made with fewer iterations for an upgrade", async () => {
    const weak = await hashPassword(PASSWORD, 1_000);
    expect(weak.split("$")[1]).toBe("1000");
    expect(await verifyPassword(PASSWORD, weak)).toEqual({ ok: true, needsRehash: true });
  });
});
