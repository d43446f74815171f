import { describe, expect, it } from "vitest";
import {
  decodeSignatureCandidates,
  decodeSolanaAddress,
  encodeBase58,
  verifySolanaSignature,
} from "../../src/lib/solana";
import { SolanaAddress } from "../../src/schemas/solana";
import { base64, newWallet } from "../auth-helpers";

describe("decodeSolanaAddress", () => {
  it("decodes a base58 address to its 32 bytes", () => {
    const bytes = decodeSolanaAddress("11111111111111111111111111111111");
    expect(bytes).toEqual(new Uint8Array(32));
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    expect(decodeSolanaAddress(encodeBase58(key))).toEqual(key);
  });

  it("refuses wrong lengths, foreign characters, whitespace and non-canonical spellings", () => {
    for (const bad of [
      "",
      encodeBase58(new Uint8Array(31).fill(1)),
      encodeBase58(new Uint8Array(33).fill(1)),
      "0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl",
      " 11111111111111111111111111111111",
      "11111111111111111111111111111111\n",
      "1".repeat(45),
    ]) {
      expect(decodeSolanaAddress(bad)).toBeNull();
    }
  });
});

describe("SolanaAddress schema", () => {
  it("accepts a real address and refuses anything else with an issue", () => {
    expect(SolanaAddress.safeParse("7Lf2U6kZK6TqJ4d4BWK3TYsy7ZrXksu5oEAXpgAHbMR9").success).toBe(true);
    const result = SolanaAddress.safeParse("not-an-address");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/32 bytes/);
    expect(SolanaAddress.safeParse(42).success).toBe(false);
  });
});

describe("verifySolanaSignature", () => {
  it("verifies base58 and base64 signatures of a real key and refuses everything else", async () => {
    const wallet = await newWallet();
    const other = await newWallet();
    const signature = await wallet.sign("hello");
    expect(await verifySolanaSignature(wallet.address, "hello", encodeBase58(signature))).toBe(true);
    expect(await verifySolanaSignature(wallet.address, "hello", base64(signature))).toBe(true);
    expect(await verifySolanaSignature(wallet.address, "hello!", encodeBase58(signature))).toBe(false);
    expect(await verifySolanaSignature(other.address, "hello", encodeBase58(signature))).toBe(false);
    expect(await verifySolanaSignature("not-an-address", "hello", encodeBase58(signature))).toBe(false);
    expect(await verifySolanaSignature(wallet.address, "hello", "")).toBe(false);
  });

  it("reads only 64-byte signatures", () => {
    expect(decodeSignatureCandidates(encodeBase58(new Uint8Array(63).fill(1)))).toEqual([]);
    expect(decodeSignatureCandidates(base64(new Uint8Array(64).fill(2)))).toEqual([new Uint8Array(64).fill(2)]);
    expect(decodeSignatureCandidates("!".repeat(88))).toEqual([]);
  });
});
