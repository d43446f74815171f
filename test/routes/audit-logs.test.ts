import { beforeAll, describe, expect, it } from "vitest";
import { flushed } from "../audit-helpers";
import { authHeader, call, expectError, json } from "../helpers";

const alice = "usr_audit_alice";
const bob = "usr_audit_bob";
let aliceAuth: Record<string, string>;
let bobAuth: Record<string, string>;
let adminAuth: Record<string, string>;

async function list(query: string, headers: Record<string, string>) {
  await flushed();
  const res = await call(`/api/v1/audit-logs${query}`, { headers });
  return { res, body: await json(res) };
}

beforeAll(async () => {
  aliceAuth = await authHeader("trader", alice);
  bobAuth = await authHeader("developer", bob);
  adminAuth = await authHeader("admin", "usr_audit_admin");
  for (let i = 0; i < 3; i++) await call("/api/v1/me", { headers: aliceAuth });
  await call("/api/v1/me", { headers: bobAuth });
});

describe("GET /api/v1/audit-logs", () => {
  it("shows callers their own entries only, newest first, in the contract's shape", async () => {
    const { res, body } = await list("", aliceAuth);
    expect(res.status).toBe(200);
    expect(body.entries.length).toBeGreaterThanOrEqual(3);
    expect(new Set(body.entries.map((e: { account_id: string }) => e.account_id))).toEqual(new Set([alice]));
    const times = body.entries.map((e: { timestamp: string }) => Date.parse(e.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(Object.keys(body.entries[0]).sort()).toEqual(
      [
        "id",
        "timestamp",
        "request_id",
        "event",
        "account_id",
        "key_id",
        "method",
        "endpoint",
        "status",
        "ip",
        "country",
        "user_agent",
        "latency_ms",
        "details",
      ].sort(),
    );
    expect(body.entries[0].timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(body.next_cursor).toBeNull();
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("gives a non-admin nothing for another account's id, never its data", async () => {
    const { res, body } = await list(`?account_id=${bob}`, aliceAuth);
    expect(res.status).toBe(200);
    expect(body).toEqual({ entries: [], next_cursor: null });
    const own = await list(`?account_id=${alice}`, aliceAuth);
    expect(own.body.entries.length).toBeGreaterThanOrEqual(3);
  });

  it("shows admins every account and filters by account_id", async () => {
    const all = await list("?limit=1000", adminAuth);
    const accounts = new Set(all.body.entries.map((e: { account_id: string | null }) => e.account_id));
    expect(accounts.has(alice) && accounts.has(bob)).toBe(true);
    const onlyBob = await list(`?account_id=${bob}`, adminAuth);
    expect(onlyBob.body.entries.length).toBeGreaterThanOrEqual(1);
    expect(onlyBob.body.entries.every((e: { account_id: string }) => e.account_id === bob)).toBe(true);
  });

  it("filters by event and time range", async () => {
    const start = new Date().toISOString();
    await call("/api/v1/me", { headers: aliceAuth });
    const recent = await list(`?start_time=${start}`, aliceAuth);
    expect(recent.body.entries.length).toBeGreaterThanOrEqual(1);
    expect(recent.body.entries.every((e: { timestamp: string }) => e.timestamp >= start)).toBe(true);

    const before = await list(`?end_time=${start}`, aliceAuth);
    expect(before.body.entries.every((e: { timestamp: string }) => e.timestamp < start)).toBe(true);

    const none = await list("?event=admin.trading_halt", aliceAuth);
    expect(none.body.entries).toEqual([]);
    const requests = await list("?event=api.request", aliceAuth);
    expect(requests.body.entries.every((e: { event: string }) => e.event === "api.request")).toBe(true);
  });

  it("pages with an opaque cursor without repeating or skipping entries", async () => {
    const all = await list("?limit=1000", aliceAuth);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`, aliceAuth);
      expect(page.body.entries.length).toBeLessThanOrEqual(2);
      ids.push(...page.body.entries.map((e: { id: string }) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    // Entries written meanwhile (these very list calls) are newer than the first page: not in ids.
    const expected = all.body.entries.map((e: { id: string }) => e.id);
    expect(ids.slice(-expected.length)).toEqual(expected);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("refuses bad filters with 400 validation_error", async () => {
    for (const query of [
      "?limit=0",
      "?limit=1001",
      "?event=nope",
      "?start_time=yesterday",
      "?start_time=2026-01-02T00:00:00Z&end_time=2026-01-01T00:00:00Z",
      "?cursor=%%%",
      `?cursor=${btoa(JSON.stringify({ t: "x", s: 1 }))}`,
    ]) {
      const res = await call(`/api/v1/audit-logs${query}`, { headers: aliceAuth });
      await expectError(res, 400, "validation_error");
    }
  });

  it("needs credentials with read:audit", async () => {
    await expectError(await call("/api/v1/audit-logs"), 401, "unauthorized");
  });
});
