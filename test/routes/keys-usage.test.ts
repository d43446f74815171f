import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../src/lib/wait";
import {
  FLUSH_INTERVAL_MS,
  flushKeyUsage,
  keyUsageFlushScheduled,
  pendingKeyUsage,
  recordKeyUse,
  scheduleKeyUsageFlush,
  utcDay,
} from "../../src/services/keys/usage";
import { call, expectError, json } from "../helpers";
import { account, createKey, send } from "../key-helpers";

const usageOf = (headers: Record<string, string>, keyId: string, query = "") =>
  send("GET", `/api/v1/keys/${keyId}/usage${query}`, headers);

describe("API keys: usage", () => {
  it("counts requests and refusals per endpoint template and per UTC day", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    const headers = { "X-API-Key": key.api_key };
    for (let i = 0; i < 3; i++) expect((await call("/api/v1/me", { headers })).status).toBe(200);
    for (const path of ["/api/v1/nope", "/api/v1/also/missing"])
      expect((await call(path, { headers })).status).toBe(404);
    await expectError(await call("/api/v1/keys", { headers }), 401, "invalid_signature");
    await expectError(await call(`/api/v1/keys/${key.key_id}`, { headers }), 401, "invalid_signature");

    const res = await usageOf(owner.headers, key.key_id);
    expect(res.status).toBe(200);
    const usage = await json(res);
    expect(usage).toMatchObject({ key_id: key.key_id, requests: 7, rejected: 4 });
    expect(usage.by_endpoint).toEqual([
      { endpoint: "GET /api/v1/me", requests: 3, rejected: 0 },
      { endpoint: "unmatched", requests: 2, rejected: 2 },
      { endpoint: "GET /api/v1/keys", requests: 1, rejected: 1 },
      { endpoint: "GET /api/v1/keys/{key_id}", requests: 1, rejected: 1 },
    ]);
    expect(usage.by_day).toEqual([{ date: utcDay(Date.now()), requests: 7, rejected: 4 }]);
  });

  it("moves last_used_at on successful uses only", async () => {
    const owner = await account("trader");
    const used = await createKey(owner.headers);
    const refused = await createKey(owner.headers, { ip_allowlist: ["10.0.0.0/8"] });
    const before = Date.now();
    expect((await call("/api/v1/me", { headers: { "X-API-Key": used.api_key } })).status).toBe(200);
    await expectError(
      await call("/api/v1/me", { headers: { "X-API-Key": refused.api_key, "CF-Connecting-IP": "192.0.2.1" } }),
      403,
      "ip_not_allowed",
    );
    const { keys } = await json(await send("GET", "/api/v1/keys", owner.headers));
    const byId = Object.fromEntries(keys.map((k: { key_id: string }) => [k.key_id, k]));
    expect(Date.parse(byId[used.key_id].last_used_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(byId[refused.key_id].last_used_at).toBeNull();
    // …but the refusal is in the refused key's usage.
    const usage = await json(await usageOf(owner.headers, refused.key_id));
    expect(usage).toMatchObject({ requests: 1, rejected: 1 });
  });

  it("selects whole UTC days between start_time and end_time", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    expect((await call("/api/v1/me", { headers: { "X-API-Key": key.api_key } })).status).toBe(200);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const past = await json(await usageOf(owner.headers, key.key_id, `?start_time=${yesterday}&end_time=${yesterday}`));
    expect(past).toMatchObject({ requests: 0, rejected: 0, by_endpoint: [], by_day: [] });
    const today = await json(await usageOf(owner.headers, key.key_id, `?start_time=${yesterday}`));
    expect(today.requests).toBe(1);
  });

  it("refuses a reversed, over-long or malformed range with 400 validation_error", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    for (const query of [
      "?start_time=2026-02-01T00:00:00Z&end_time=2026-01-01T00:00:00Z",
      "?start_time=2024-01-01T00:00:00Z&end_time=2026-01-01T00:00:00Z",
      "?start_time=yesterday",
    ]) {
      await expectError(await usageOf(owner.headers, key.key_id, query), 400, "validation_error");
    }
  });
});

describe("usage buffer", () => {
  it("writes every count exactly once however many flushes run at the same time", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    const at = Date.now();
    for (let i = 0; i < 20; i++) {
      recordKeyUse({ keyId: key.key_id, endpoint: "GET /api/v1/me", status: i < 5 ? 429 : 200, at });
    }
    await Promise.all(Array.from({ length: 5 }, () => flushKeyUsage(env.DB)));
    expect(pendingKeyUsage()).toBe(0);
    const row = await env.DB.prepare("SELECT requests, rejected FROM api_key_usage WHERE key_id = ?1")
      .bind(key.key_id)
      .first();
    expect(row).toEqual({ requests: 20, rejected: 5 });
    const stored = await env.DB.prepare("SELECT last_used_at FROM api_keys WHERE id = ?1").bind(key.key_id).first();
    expect(stored).toEqual({ last_used_at: at });
  });

  it("writes a burst of uses in one D1 batch, scheduled by the first use; waiting on it means they are written", async () => {
    expect(FLUSH_INTERVAL_MS).toBeLessThanOrEqual(1_000);
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    // Let any flush scheduled by earlier requests run first.
    expect(await waitFor(() => !keyUsageFlushScheduled(), 5_000)).toBe(true);
    let batches = 0;
    const counting = new Proxy(env.DB, {
      get: (target, prop) => {
        const value = Reflect.get(target, prop);
        if (prop !== "batch") return typeof value === "function" ? value.bind(target) : value;
        return (statements: D1PreparedStatement[]) => {
          batches++;
          return target.batch(statements);
        };
      },
    });
    const waiters: Array<Promise<void>> = [];
    for (let i = 0; i < 30; i++) {
      recordKeyUse({ keyId: key.key_id, endpoint: "GET /api/v1/me", status: 200, at: Date.now() });
      waiters.push(scheduleKeyUsageFlush(counting));
    }
    expect(keyUsageFlushScheduled()).toBe(true);
    await Promise.all(waiters);
    expect(batches).toBe(1);
    expect(keyUsageFlushScheduled()).toBe(false);
    const row = await env.DB.prepare("SELECT requests FROM api_key_usage WHERE key_id = ?1").bind(key.key_id).first();
    expect(row).toEqual({ requests: 30 });
  });

  it("keeps the counts for the next flush when a D1 batch fails", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    recordKeyUse({ keyId: key.key_id, endpoint: "GET /api/v1/me", status: 200, at: Date.now() });
    // A database whose batches fail, as during a D1 outage.
    const failing = new Proxy(env.DB, {
      get: (target, prop) =>
        prop === "batch" ? () => Promise.reject(new Error("D1 unavailable")) : Reflect.get(target, prop).bind(target),
    });
    await flushKeyUsage(failing);
    expect(pendingKeyUsage()).toBeGreaterThan(0);
    await flushKeyUsage(env.DB);
    expect(pendingKeyUsage()).toBe(0);
    const row = await env.DB.prepare("SELECT requests FROM api_key_usage WHERE key_id = ?1").bind(key.key_id).first();
    expect(row).toEqual({ requests: 1 });
  });

  it("drops counts of keys that no longer exist instead of failing the batch", async () => {
    const owner = await account("trader");
    const key = await createKey(owner.headers);
    recordKeyUse({ keyId: "key_ffffffffffffffffffffffff", endpoint: "GET /api/v1/me", status: 200, at: Date.now() });
    recordKeyUse({ keyId: key.key_id, endpoint: "GET /api/v1/me", status: 200, at: Date.now() });
    await flushKeyUsage(env.DB);
    expect(pendingKeyUsage()).toBe(0);
    const rows = await env.DB.prepare("SELECT key_id FROM api_key_usage WHERE key_id IN (?1, ?2)")
      .bind(key.key_id, "key_ffffffffffffffffffffffff")
      .all();
    expect(rows.results).toEqual([{ key_id: key.key_id }]);
  });
});
