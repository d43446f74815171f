import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeBase58 } from "../../src/lib/solana";
import { auditRows } from "../audit-helpers";
import { newAddress } from "../fixtures/solana";
import { authHeader, call, expectError, json } from "../helpers";

const USDC = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const WSOL = "So11111111111111111111111111111111111111112";

async function post(body: unknown, sub = "usr_monitor_a", role: "trader" | "developer" | "admin" = "trader") {
  const res = await call("/api/v1/monitor", {
    method: "POST",
    headers: { ...(await authHeader(role, sub)), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return res;
}

async function list(sub: string, query = "") {
  const res = await call(`/api/v1/monitor${query}`, { headers: await authHeader("trader", sub) });
  return { status: res.status, body: await json(res), res };
}

async function stop(id: string, sub: string) {
  return call(`/api/v1/monitor/${id}`, { method: "DELETE", headers: await authHeader("trader", sub) });
}

async function tokenRow(token: string) {
  return env.DB.prepare("SELECT update_interval, next_scan_at FROM solana_tokens WHERE token_address = ?1")
    .bind(token)
    .first<{ update_interval: number | null; next_scan_at: number }>();
}

afterEach(() => vi.restoreAllMocks());

describe("POST/GET/DELETE /api/v1/monitor: happy path", () => {
  it("starts monitoring real mint addresses, lists them and stops one", async () => {
    const sub = "usr_monitor_happy";
    const res = await post({ token_addresses: [USDC, WSOL], update_interval: 300 }, sub);
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.status).toBe("monitoring");
    expect(body.monitoring_ids).toHaveLength(2);
    expect(body.monitoring_ids.every((id: string) => /^mon_[A-Za-z0-9_-]{16}$/.test(id))).toBe(true);

    const listed = await list(sub);
    expect(listed.status).toBe(200);
    expect(listed.res.headers.get("Cache-Control")).toBe("no-store");
    expect(listed.body.next_cursor).toBeNull();
    expect(listed.body.monitors.map((m: { token_address: string }) => m.token_address).sort()).toEqual(
      [USDC, WSOL].sort(),
    );
    const usdc = listed.body.monitors.find((m: { token_address: string }) => m.token_address === USDC);
    expect(usdc).toMatchObject({
      monitoring_id: body.monitoring_ids[0],
      update_interval: 300,
      status: "monitoring",
      last_scan_at: null,
    });
    // A newly monitored token is due at once.
    expect(Date.parse(usdc.next_scan_at)).toBeLessThanOrEqual(Date.now());

    const stopped = await stop(body.monitoring_ids[0], sub);
    expect(stopped.status).toBe(204);
    expect((await list(sub)).body.monitors.map((m: { token_address: string }) => m.token_address)).toEqual([WSOL]);
    await expectError(await stop(body.monitoring_ids[0], sub), 404, "not_found");
  });

  it("keeps the id of a token monitored again and takes the new interval; repeats share an id", async () => {
    const sub = "usr_monitor_again";
    const token = newAddress();
    const first = await json(await post({ token_addresses: [token], update_interval: 600 }, sub));
    const second = await json(await post({ token_addresses: [token, token], update_interval: 120 }, sub));
    expect(second.monitoring_ids).toEqual([first.monitoring_ids[0], first.monitoring_ids[0]]);
    const listed = await list(sub);
    expect(listed.body.monitors).toHaveLength(1);
    expect(listed.body.monitors[0].update_interval).toBe(120);
  });

  it("scans a token at the shortest interval among the accounts monitoring it", async () => {
    const token = newAddress();
    await post({ token_addresses: [token], update_interval: 3600 }, "usr_monitor_slow");
    expect((await tokenRow(token))?.update_interval).toBe(3600);
    const fast = await json(await post({ token_addresses: [token], update_interval: 60 }, "usr_monitor_fast"));
    expect((await tokenRow(token))?.update_interval).toBe(60);
    expect((await stop(fast.monitoring_ids[0], "usr_monitor_fast")).status).toBe(204);
    expect((await tokenRow(token))?.update_interval).toBe(3600);
    const slow = await list("usr_monitor_slow");
    expect((await stop(slow.body.monitors[0].monitoring_id, "usr_monitor_slow")).status).toBe(204);
    // Nobody monitors it: the scanner leaves it alone.
    expect((await tokenRow(token))?.update_interval).toBeNull();
  });

  it("pages an account's monitors oldest first with an opaque cursor", async () => {
    const sub = "usr_monitor_pages";
    const tokens = Array.from({ length: 5 }, () => newAddress());
    for (const token of tokens) await post({ token_addresses: [token], update_interval: 60 }, sub);
    const seen: Array<{ token_address: string; created_at: string }> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(sub, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.monitors);
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((m) => m.token_address).sort()).toEqual([...tokens].sort());
    const times = seen.map((m) => Date.parse(m.created_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("records monitor.started and monitor.stopped audit events", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const sub = "usr_monitor_audit";
    const token = newAddress();
    const { monitoring_ids } = await json(await post({ token_addresses: [token], update_interval: 60 }, sub));
    await stop(monitoring_ids[0], sub);
    const events = lines
      .map((l) => JSON.parse(l))
      .filter((e) => e.msg === "audit_event")
      .map((e) => ({ event: e.event, account_id: e.account_id, monitoring_id: e.details.monitoring_id }));
    expect(events).toEqual([
      { event: "monitor.started", account_id: sub, monitoring_id: monitoring_ids[0] },
      { event: "monitor.stopped", account_id: sub, monitoring_id: monitoring_ids[0] },
    ]);
    // And they land in the hash-chained audit log, readable by the account.
    const rows = await auditRows("account_id = ?1 AND event LIKE 'monitor.%'", sub);
    expect(rows.map((r) => [r.event, JSON.parse(r.details).token_address])).toEqual([
      ["monitor.started", token],
      ["monitor.stopped", token],
    ]);
  });
});

describe("POST /api/v1/monitor: bad input", () => {
  it("answers 400 for an invalid address (decoded with base58, not matched by a regex)", async () => {
    for (const bad of [
      "0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl", // outside the base58 alphabet
      encodeBase58(new Uint8Array(31).fill(7)), // valid base58, 31 bytes
      encodeBase58(new Uint8Array(33).fill(7)), // valid base58, 33 bytes
      `1${USDC}`, // a leading zero byte: 33 bytes
      "z".repeat(44), // base58 characters, more than 32 bytes
      "",
      42,
    ]) {
      const res = await post({ token_addresses: [USDC, bad], update_interval: 60 });
      const error = await expectError(res, 400, "validation_error");
      expect(JSON.stringify(error.details)).toContain("token_addresses");
    }
  });

  it("answers 400 for intervals outside 60-86400, lists outside 1-100 and unknown fields", async () => {
    for (const body of [
      { token_addresses: [USDC], update_interval: 59 },
      { token_addresses: [USDC], update_interval: 86_401 },
      { token_addresses: [USDC], update_interval: 60.5 },
      { token_addresses: [USDC], update_interval: "60" },
      { token_addresses: [USDC] },
      { token_addresses: [], update_interval: 60 },
      { token_addresses: Array.from({ length: 101 }, () => USDC), update_interval: 60 },
      { token_addresses: USDC, update_interval: 60 },
      { token_addresses: [USDC], update_interval: 60, owner: "someone-else" },
    ]) {
      await expectError(await post(body), 400, "validation_error");
    }
  });

  it("answers 400 to a cursor that is not one of this list", async () => {
    const res = await call("/api/v1/monitor?cursor=WyJhbm8iLDEsIngiXQ", { headers: await authHeader("trader") });
    await expectError(res, 400, "validation_error");
  });
});

describe("/api/v1/monitor: security", () => {
  it("answers another account's monitoring id exactly like an unknown one (404)", async () => {
    const token = newAddress();
    const { monitoring_ids } = await json(
      await post({ token_addresses: [token], update_interval: 60 }, "usr_monitor_owner"),
    );
    const intruder = await stop(monitoring_ids[0], "usr_monitor_intruder");
    const unknown = await stop("mon_doesnotexist0000", "usr_monitor_intruder");
    const a = await expectError(intruder, 404, "not_found");
    const b = await expectError(unknown, 404, "not_found");
    expect(a.message).toBe(b.message);
    // The owner's monitor is untouched and invisible to the intruder.
    expect((await list("usr_monitor_owner")).body.monitors).toHaveLength(1);
    expect((await list("usr_monitor_intruder")).body.monitors).toEqual([]);
  });

  it("needs write:monitor to start or stop, read:tokens to list, and credentials for all", async () => {
    await expectError(
      await post({ token_addresses: [USDC], update_interval: 60 }, "usr_dev", "developer"),
      403,
      "forbidden",
    );
    const devList = await call("/api/v1/monitor", { headers: await authHeader("developer") });
    expect(devList.status).toBe(200);
    const devStop = await call("/api/v1/monitor/mon_x", { method: "DELETE", headers: await authHeader("developer") });
    await expectError(devStop, 403, "forbidden");
    await expectError(await call("/api/v1/monitor"), 401, "unauthorized");
    await expectError(
      await call("/api/v1/monitor", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
      401,
      "unauthorized",
    );
  });
});
