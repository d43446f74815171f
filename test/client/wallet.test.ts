import { describe, expect, it } from "vitest";
import { ParapetError } from "../../src/client";
import { encodeBase58 } from "../../src/lib/solana";
import { clientFor } from "../client-helpers";

/** A real ed25519 key pair (WebCrypto), with a signer as a wallet's `signMessage` is: bytes in, signature out. */
async function wallet() {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  const signed: Uint8Array[] = [];
  return {
    address: encodeBase58(raw),
    signed,
    signMessage: async (message: Uint8Array) => {
      signed.push(message);
      return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, message));
    },
  };
}

describe("wallet sign-in through the client", () => {
  it("signs the issued message's exact bytes and keeps the session", async () => {
    const w = await wallet();
    const { client, seen } = clientFor();
    const session = await client.auth.signInWithWallet(w.address, w.signMessage);
    expect(session.refresh_token).toMatch(/^rt_/);
    const me = await client.auth.me();
    expect(me).toMatchObject({ wallet: w.address, email: null, role: "developer" });
    // What was signed is the nonce's message, byte for byte.
    const nonce = seen.find((s) => s.path.startsWith("/api/v1/auth/wallet/nonce"));
    expect(nonce?.status).toBe(200);
    expect(new TextDecoder().decode(w.signed[0])).toContain(`${w.address}\n`);
    expect(new TextDecoder().decode(w.signed[0])).toMatch(/Nonce: [0-9a-f]+/);
  });

  it("refuses another key's signature as invalid_credentials and keeps no session", async () => {
    const owner = await wallet();
    const impostor = await wallet();
    const { client } = clientFor();
    const error = await client.auth.signInWithWallet(owner.address, impostor.signMessage).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParapetError);
    expect(error).toMatchObject({ code: "invalid_credentials", status: 401 });
    expect(await client.session.get()).toBeNull();
  });

  it("refuses a signer that does not return a 64-byte signature before sending it", async () => {
    const w = await wallet();
    const { client, seen } = clientFor();
    const error = await client.auth
      .signInWithWallet(w.address, async () => new Uint8Array(32))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "validation_error", status: 0 });
    expect(seen.map((s) => s.path.split("?")[0])).toEqual(["/api/v1/auth/wallet/nonce"]);
  });
});
