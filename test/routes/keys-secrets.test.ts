import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { flushKeyUsage } from "../../src/services/keys/usage";
import { call, expectError, json } from "../helpers";
import { account, createKey, type Issued, send, signedHeaders, signedSend } from "../key-helpers";

/** Every row of every table in D1, as text. */
async function dumpDatabase(): Promise<string> {
  // D1's own bookkeeping tables (`_cf_…`) are not readable from the Worker, and hold no user data.
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
  ).all<{ name: string }>();
  expect(tables.results.map((t) => t.name)).toContain("api_keys");
  const out: string[] = [];
  for (const { name } of tables.results) {
    const rows = await env.DB.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).all();
    out.push(JSON.stringify(rows.results));
  }
  return out.join("\n");
}

/** Captures everything written to the console while `run` runs. */
async function captureConsole(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation(keep);
  }
  await run();
  return lines.join("\n");
}

afterEach(() => vi.restoreAllMocks());

describe("API keys: secrets at rest and in logs", () => {
  it("never stores a key or its secret in any D1 table, nor writes them to the logs", async () => {
    const issued: Issued[] = [];
    const logs = await captureConsole(async () => {
      const owner = await account("trader");
      const admin = await account("admin");
      const a = await createKey(owner.headers, { scopes: ["read:market", "write:trading"] });
      const b = await createKey(owner.headers, { ip_allowlist: ["10.0.0.0/8"] });
      issued.push(a, b);
      // Uses, good and bad, with both header styles, signed and unsigned.
      expect((await call("/api/v1/me", { headers: { "X-API-Key": a.api_key } })).status).toBe(200);
      expect((await call("/api/v1/me", { headers: { Authorization: `Bearer ${a.api_key}` } })).status).toBe(200);
      await expectError(await call("/api/v1/me", { headers: { "X-API-Key": b.api_key } }), 403, "ip_not_allowed");
      expect((await signedSend(a, "GET", "/api/v1/keys")).status).toBe(200);
      const forged = { ...(await signedHeaders(a, "GET", "/api/v1/keys")), "X-API-Signature": "0".repeat(64) };
      await expectError(await call("/api/v1/keys", { headers: forged }), 401, "invalid_signature");
      // Rotation issues another pair; suspension and revocation log events.
      const rotated = await json(await signedSend(a, "POST", `/api/v1/keys/${a.key_id}/rotate`));
      issued.push(rotated);
      expect((await send("POST", `/api/v1/admin/keys/${b.key_id}/suspend`, admin.headers)).status).toBe(200);
      expect((await send("DELETE", `/api/v1/keys/${b.key_id}`, owner.headers)).status).toBe(204);
      // A failing request that carries the key in a body field.
      await send("POST", "/api/v1/keys", owner.headers, { name: rotated.api_key, scopes: ["nope"] });
      await flushKeyUsage(env.DB);
    });
    expect(issued).toHaveLength(3);
    const database = await dumpDatabase();
    for (const key of issued) {
      expect(database).toContain(key.key_id);
      expect(database).not.toContain(key.api_key);
      expect(database).not.toContain(key.api_secret);
      expect(database).not.toContain(key.api_key.slice(3));
      expect(database).not.toContain(key.api_secret.slice(3));
      expect(logs).not.toContain(key.api_key);
      expect(logs).not.toContain(key.api_secret);
      expect(logs).not.toContain(key.api_secret.slice(3));
    }
    expect(logs).toContain("key.created");
  });

  it("stores the key as its SHA-256 and the secret sealed with AES-256-GCM", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    const row = await env.DB.prepare("SELECT key_hash, prefix, secret_sealed FROM api_keys WHERE id = ?1")
      .bind(key.key_id)
      .first<{ key_hash: string; prefix: string; secret_sealed: string }>();
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key.api_key));
    const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(row?.key_hash).toBe(hex);
    expect(row?.prefix).toBe(key.prefix);
    expect(row?.secret_sealed).toMatch(/^v1\.[A-Za-z0-9+/=]{16}\.[A-Za-z0-9+/=]+$/);
  });
});
