import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "../../src/lib/secret-box";

const KEY = env.ENCRYPTION_KEY as string;
const OTHER_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

describe("sealSecret / openSecret (AES-256-GCM)", () => {
  it("round-trips a secret and uses a fresh IV each time", async () => {
    const a = await sealSecret(KEY, "sk_secret", "key_1");
    const b = await sealSecret(KEY, "sk_secret", "key_1");
    expect(a).not.toBe(b);
    expect(a).not.toContain("sk_secret");
    expect(await openSecret(KEY, a, "key_1")).toBe("sk_secret");
    expect(await openSecret(KEY, b, "key_1")).toBe("sk_secret");
  });

  it("refuses to open under another owner (AAD), another key, or after tampering", async () => {
    const sealed = await sealSecret(KEY, "sk_secret", "key_1");
    await expect(openSecret(KEY, sealed, "key_2")).rejects.toThrow();
    await expect(openSecret(OTHER_KEY, sealed, "key_1")).rejects.toThrow();
    const [version, iv, body] = sealed.split(".") as [string, string, string];
    const flipped = body.startsWith("A") ? `B${body.slice(1)}` : `A${body.slice(1)}`;
    await expect(openSecret(KEY, `${version}.${iv}.${flipped}`, "key_1")).rejects.toThrow();
    await expect(openSecret(KEY, `v0.${iv}.${body}`, "key_1")).rejects.toThrow("format");
  });
});
