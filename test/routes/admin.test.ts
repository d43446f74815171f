import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { assertTradingOpen } from "../../src/services/admin/trading-halt";
import { auditRows, callFrom } from "../audit-helpers";
import { authHeader, call, expectError, json } from "../helpers";
import { account } from "../key-helpers";
import { balanceOf, closeWith, freshSymbol, openOk, openWith, POSITIONS } from "../portfolio-helpers";

let admin: Record<string, string>;

function adminCall(path: string, init: RequestInit = {}) {
  return call(path, { ...init, headers: { ...admin, "content-type": "application/json", ...(init.headers ?? {}) } });
}

function addBlock(body: unknown, headers: Record<string, string> = {}) {
  return adminCall("/api/v1/admin/ip-blocks", { method: "POST", body: JSON.stringify(body), headers });
}

beforeAll(async () => {
  admin = await authHeader("admin", "usr_admin_routes");
});

describe("admin routes are for admins only", () => {
  it("answers 403 forbidden to traders and developers, and 401 to anonymous callers, on every admin operation of the OpenAPI document", async () => {
    const doc = await json(await call("/openapi.json"));
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.startsWith("/api/v1/admin"))
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((method) => ["get", "post", "put", "delete", "patch"].includes(method))
          .map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, "x_probe") })),
      );
    expect(operations.length).toBeGreaterThanOrEqual(7);
    const callers = { trader: await authHeader("trader"), developer: await authHeader("developer") };
    for (const { method, path } of operations) {
      const init = (headers: Record<string, string>): RequestInit => ({
        method,
        headers: { ...headers, "content-type": "application/json" },
        ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
      });
      for (const headers of Object.values(callers)) {
        await expectError(await call(path, init(headers)), 403, "forbidden");
      }
      await expectError(await call(path, init({})), 401, "unauthorized");
    }
  });
});

describe("IP block administration", () => {
  it("refuses malformed addresses, ranges that are too wide, the admin's own IP and bad expiries", async () => {
    for (const ip of [
      "not-an-ip",
      "10.0.0.256",
      "127.1",
      "0x7f.0.0.1",
      "10.0.0.0/33",
      "fe80::1%eth0",
      "10.0.0.0/7",
      "2001:db8::/15",
    ]) {
      await expectError(await addBlock({ ip }), 400, "validation_error");
    }
    const own = await callFrom("203.0.113.50", "/api/v1/admin/ip-blocks", {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ ip: "203.0.113.0/24" }),
    });
    const error = await expectError(own, 400, "validation_error");
    expect(error.message).toMatch(/your own IP/);
    for (const expires_in_seconds of [0, 59, 31_536_001, 1.5]) {
      await expectError(await addBlock({ ip: "192.0.2.10", expires_in_seconds }), 400, "validation_error");
    }
  });

  it("answers a duplicate block with 409 conflict naming the existing block, and an unknown id with 404", async () => {
    const first = await addBlock({ ip: "192.0.2.20" });
    expect(first.status).toBe(201);
    const block = await json(first);
    const again = await expectError(await addBlock({ ip: " 192.0.2.20 " }), 409, "conflict");
    expect(again.details).toEqual({ block_id: block.block_id });
    expect((await adminCall(`/api/v1/admin/ip-blocks/${block.block_id}`, { method: "DELETE" })).status).toBe(204);
    await expectError(
      await adminCall(`/api/v1/admin/ip-blocks/${block.block_id}`, { method: "DELETE" }),
      404,
      "not_found",
    );
  });

  it("lists active blocks newest first with a cursor and records additions and removals", async () => {
    const ids: string[] = [];
    for (const ip of ["192.0.2.31", "192.0.2.32", "192.0.2.33"]) {
      const res = await addBlock({ ip, reason: `test ${ip}` });
      ids.push((await json(res)).block_id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await json(await adminCall(`/api/v1/admin/ip-blocks?limit=1${cursor ? `&cursor=${cursor}` : ""}`));
      expect(page.blocks.length).toBeLessThanOrEqual(1);
      seen.push(...page.blocks.map((b: { block_id: string }) => b.block_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].reverse());

    const added = await auditRows("event = 'admin.ip_block_added' AND details LIKE ?1", `%${ids[0]}%`);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ account_id: "usr_admin_routes", endpoint: "/api/v1/admin/ip-blocks" });
    expect(JSON.parse(added[0]?.details ?? "{}")).toMatchObject({ ip: "192.0.2.31", reason: "test 192.0.2.31" });
    for (const id of ids) await adminCall(`/api/v1/admin/ip-blocks/${id}`, { method: "DELETE" });
  });

  it("does not list expired blocks", async () => {
    await env.DB.prepare(
      "INSERT INTO ip_blocks (id, ip, reason, source, created_at, expires_at) VALUES ('blk_expired_list', '192.0.2.40', NULL, 'automatic', ?1, ?2)",
    )
      .bind(Date.now() - 120_000, Date.now() - 60_000)
      .run();
    const page = await json(await adminCall("/api/v1/admin/ip-blocks?limit=1000"));
    expect(page.blocks.map((b: { block_id: string }) => b.block_id)).not.toContain("blk_expired_list");
    expect((await callFrom("192.0.2.40", "/api/v1/me", { headers: admin })).status).toBe(200);
  });
});

describe("emergency trading halt", () => {
  it("answers every trading write with 503 trading_halted while on, moving no money, and lets reads through", async () => {
    const { headers: trader } = await account("trader");
    const symbol = await freshSymbol("100.00");
    const open = await openOk(trader, { symbol, size: "1", type: "long" });
    const before = await balanceOf(trader);

    const on = await adminCall("/api/v1/admin/trading-halt", {
      method: "PUT",
      body: JSON.stringify({ halted: true, reason: "exchange incident" }),
    });
    expect(on.status).toBe(200);
    const state = await json(on);
    expect(state).toMatchObject({ halted: true, reason: "exchange incident" });
    expect(state.updated_at).toMatch(/Z$/);
    expect(await json(await adminCall("/api/v1/admin/trading-halt"))).toEqual(state);
    try {
      const error = await expectError(
        await openWith(trader, { symbol, size: "1", type: "long" }),
        503,
        "trading_halted",
      );
      expect(error.details).toMatchObject({ reason: "exchange incident" });
      await expectError(await closeWith(trader, open), 503, "trading_halted");
      // Reads are not trading writes, and nothing moved.
      expect(await balanceOf(trader)).toMatchObject({ balance: before.balance, margin_used: before.margin_used });
      const positions = await json(await call(`${POSITIONS}?status=open`, { headers: trader }));
      expect(positions.positions.map((p: { position_id: string }) => p.position_id)).toEqual([open]);
      // Checked again inside the routes themselves, wherever they are mounted.
      await expect(assertTradingOpen(env.DB)).rejects.toMatchObject({ code: "trading_halted" });
    } finally {
      const off = await adminCall("/api/v1/admin/trading-halt", {
        method: "PUT",
        body: JSON.stringify({ halted: false }),
      });
      expect(await json(off)).toMatchObject({ halted: false, reason: null });
    }
    expect((await closeWith(trader, open)).status).toBe(200);
    await openOk(trader, { symbol, size: "1", type: "long" });

    const events = await auditRows("event = 'admin.trading_halt' AND account_id = 'usr_admin_routes'");
    expect(events.map((e) => JSON.parse(e.details).halted)).toEqual([true, false]);
  });

  it("refuses a body without halted", async () => {
    await expectError(
      await adminCall("/api/v1/admin/trading-halt", { method: "PUT", body: JSON.stringify({ reason: "x" }) }),
      400,
      "validation_error",
    );
  });
});

describe("GET /api/v1/admin/security-events", () => {
  it("filters by type and time, newest first, and pages with a cursor", async () => {
    const base = Date.parse("2026-03-01T00:00:00Z");
    await env.DB.batch(
      ["failed_auth_burst", "ip_blocked", "failed_auth_burst", "new_country_login"].map((type, i) =>
        env.DB.prepare(
          "INSERT INTO security_events (id, type, ip, account_id, details, ts) VALUES (?1, ?2, '192.0.2.99', NULL, '{\"n\":1}', ?3)",
        ).bind(`sev_filter_${i}`, type, base + i * 1000),
      ),
    );
    const range = `start_time=2026-03-01T00:00:00Z&end_time=2026-03-01T00:00:10Z`;
    const bursts = await json(await adminCall(`/api/v1/admin/security-events?type=failed_auth_burst&${range}`));
    expect(bursts.events.map((e: { event_id: string }) => e.event_id)).toEqual(["sev_filter_2", "sev_filter_0"]);
    expect(bursts.events[0]).toEqual({
      event_id: "sev_filter_2",
      type: "failed_auth_burst",
      ip: "192.0.2.99",
      account_id: null,
      details: { n: 1 },
      timestamp: "2026-03-01T00:00:02.000Z",
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await json(
        await adminCall(`/api/v1/admin/security-events?limit=3&${range}${cursor ? `&cursor=${cursor}` : ""}`),
      );
      seen.push(...page.events.map((e: { event_id: string }) => e.event_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(["sev_filter_3", "sev_filter_2", "sev_filter_1", "sev_filter_0"]);

    await expectError(await adminCall("/api/v1/admin/security-events?type=bogus"), 400, "validation_error");
  });
});
