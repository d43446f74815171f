/**
 * OWASP API3:2023 Broken object property level authorization (mass assignment). Every operation
 * with a JSON body in /openapi.json gets a valid body plus fields a client must never set —
 * `role`, `tier`, `balance`, `status`, owner ids, permissions, prices — and must either refuse the
 * body (400) or ignore the fields: nothing about the caller, its resources or another account
 * may change because of them. Declared-but-privileged fields (register's `role`, a key's `tier`
 * and `scopes`) are tested for escalation directly.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueEmail } from "../auth-helpers";
import { expectError, json } from "../helpers";
import { freshSymbol } from "../portfolio-helpers";
import { type Caller, jwtCaller, send } from "./actors";
import { apiOperations, exampleOf, fillPath, isAdmin, type Operation, openApiDocument } from "./openapi";

let attacker: Caller & { kind: "jwt" };
let admin: Caller & { kind: "jwt" };
let bystander: Caller & { kind: "jwt" };
let symbol: string;

/** Fields no request body may use to change who owns what, who is who, or what money is worth. */
function privileged(): Record<string, unknown> {
  return {
    role: "admin",
    tier: "enterprise",
    balance: "987654321.00",
    available: "987654321.00",
    status: "suspended",
    permissions: ["admin"],
    scopes: ["admin", "write:ingest"],
    is_admin: true,
    admin: true,
    user_id: bystander.userId,
    account_id: bystander.userId,
    owner_id: bystander.userId,
    sub: bystander.userId,
    rate_limit: { rate_per_minute: 999999, burst: 999999 },
    entry_price: "0.00000001",
    pnl: "987654321.00",
    margin: "0",
    created_at: "2000-01-01T00:00:00Z",
    expires_at: null,
    source: "automatic",
  };
}

const SENTINELS = ["987654321", "999999", "2000-01-01", "0.00000001"];

/** A body the operation accepts, with fields that must be unique made so. */
async function validBody(op: Operation): Promise<Record<string, unknown>> {
  const body = exampleOf(await openApiDocument(), op.body) as Record<string, unknown>;
  if ("email" in body && op.path.endsWith("/register")) body.email = uniqueEmail("mass");
  if ("symbol" in body) body.symbol = symbol;
  if (op.path.endsWith("/ip-blocks")) body.ip = "192.0.2.123";
  // Leave trading open, so the portfolio's own handling of the fields is what gets tested.
  if (op.path.endsWith("/trading-halt")) body.halted = false;
  return body;
}

function callerFor(op: Operation): Caller {
  return isAdmin(op) || op.path.includes("/ingest") ? admin : attacker;
}

beforeAll(async () => {
  attacker = await jwtCaller("trader", "attacker");
  admin = await jwtCaller("admin", "admin");
  bystander = await jwtCaller("trader", "bystander");
  symbol = await freshSymbol("50.00");
  // A key of the victim, whose id a body could try to claim.
  expect((await send(bystander, "POST", "/api/v1/keys", { name: "bystander", scopes: ["read:market"] })).status).toBe(
    201,
  );
});

describe("mass assignment: fields a client may not set", () => {
  it("refuses or ignores privileged fields added to every JSON body of the document", async () => {
    const doc = await openApiDocument();
    const ops = apiOperations(doc).filter((op) => op.body);
    expect(ops.length).toBeGreaterThanOrEqual(10);
    const bystanderKeys = await env.DB.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE user_id = ?1")
      .bind(bystander.userId)
      .first<{ n: number }>();
    let injected = 0;
    const accepted: string[] = [];
    for (const op of ops) {
      const declared = new Set(Object.keys(op.body.properties ?? {}));
      const extra = Object.fromEntries(Object.entries(privileged()).filter(([name]) => !declared.has(name)));
      injected += Object.keys(extra).length;
      const path = fillPath(op, {
        key_id: "key_000000000000000000000000",
        position_id: "pos_000000000000000000000000",
        block_id: "blk_x",
      });
      const res = await send(callerFor(op), op.method, path, { ...(await validBody(op)), ...extra });
      const text = await res.text();
      const where = `${op.method} ${op.path} → ${res.status} ${text.slice(0, 200)}`;
      expect(res.status, where).toBeLessThan(500);
      if (res.status < 300) {
        accepted.push(`${op.method} ${op.path}`);
        for (const sentinel of [...SENTINELS, bystander.userId]) expect(text, where).not.toContain(sentinel);
        expect(text, where).not.toMatch(/"role":"admin"|"tier":"enterprise"|"status":"suspended"|"source":"automatic"/);
      }
    }
    expect(injected).toBeGreaterThan(ops.length * 5);
    // Bodies that ignore unknown fields were really accepted (the test is not all refusals).
    expect(accepted).toEqual(expect.arrayContaining(["POST /api/v1/auth/register", "POST /api/v1/admin/ip-blocks"]));
    // The caller is what it was, and nothing of the bystander's moved.
    const me = await json(await send(attacker, "GET", "/api/v1/me"));
    expect(me.role).toBe("trader");
    expect(me.permissions).not.toContain("admin");
    const keys = await json(await send(attacker, "GET", "/api/v1/keys"));
    for (const key of keys.keys) expect(key).toMatchObject({ tier: "basic", status: "active", rate_limit: null });
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE user_id = ?1")
      .bind(bystander.userId)
      .first<{ n: number }>();
    expect(after?.n).toBe(bystanderKeys?.n);
    const balance = await json(await send(attacker, "GET", "/api/v1/portfolio/balance"));
    expect(balance.balance).toBe("100000.00");
    const users = await env.DB.prepare("SELECT role FROM users WHERE email LIKE 'mass-%'").all<{ role: string }>();
    for (const user of users.results) expect(user.role).not.toBe("admin");
  }, 60_000);

  it("refuses role admin at registration, and ignores permissions sent beside it", async () => {
    const email = uniqueEmail("escalate");
    await expectError(
      await send(attacker, "POST", "/api/v1/auth/register", {
        email,
        password: "correct horse battery staple",
        role: "admin",
      }),
      400,
      "validation_error",
    );
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE email = ?1")
      .bind(email)
      .first<{ n: number }>();
    expect(row?.n).toBe(0);
  }, 60_000);

  it("refuses a trader's key with a premium or enterprise tier or with scopes beyond the trader role", async () => {
    for (const body of [
      { name: "t", scopes: ["read:market"], tier: "premium" },
      { name: "t", scopes: ["read:market"], tier: "enterprise" },
      { name: "t", scopes: ["admin"] },
      { name: "t", scopes: ["write:ingest"] },
    ]) {
      await expectError(await send(attacker, "POST", "/api/v1/keys", body), 403, "forbidden");
    }
    const keys = await json(await send(attacker, "GET", "/api/v1/keys"));
    for (const key of keys.keys) {
      expect(key.scopes).not.toContain("admin");
      expect(key.tier).toBe("basic");
    }
  }, 60_000);
});
