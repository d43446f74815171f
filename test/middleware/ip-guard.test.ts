import { env } from "cloudflare:workers";
import { type JWTPayload, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import { getKeys } from "../../src/services/auth/jwt";
import { FAILURE_THRESHOLD } from "../../src/services/security/auth-failures";
import { auditRows, callFrom, eventually, uniqueIp } from "../audit-helpers";
import { claimsOf, loginUser, registerUser } from "../auth-helpers";
import { authHeader, call, expectError, json } from "../helpers";

let admin: Record<string, string>;
let trader: Record<string, string>;

function adminCall(path: string, init: RequestInit = {}) {
  return call(path, { ...init, headers: { ...admin, "content-type": "application/json", ...(init.headers ?? {}) } });
}

async function failFrom(ip: string, i: number): Promise<Response> {
  // Half wrong passwords, half forged tokens: both are failed authentications.
  return i % 2 === 0
    ? callFrom(ip, "/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `nobody-${i}@example.test`, password: "wrong password 1234" }),
      })
    : callFrom(ip, "/api/v1/me", { headers: { Authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.forged" } });
}

beforeAll(async () => {
  admin = await authHeader("admin", "usr_guard_admin");
  trader = await authHeader("trader", "usr_guard_trader");
});

describe("automatic IP blocks after a failed-authentication burst", () => {
  it("blocks the IP on the 20th failure within 5 minutes, records it, and lets an admin lift it", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < FAILURE_THRESHOLD; i++) expect((await failFrom(ip, i)).status).toBe(401);

    // Blocked before authentication: even valid credentials are refused, on every route.
    await expectError(await callFrom(ip, "/api/v1/me", { headers: trader }), 403, "ip_blocked");
    await expectError(await callFrom(ip, "/api/v1/auth/login", { method: "POST" }), 403, "ip_blocked");
    expect((await callFrom(uniqueIp(), "/api/v1/me", { headers: trader })).status).toBe(200);

    const blocks = await json(await adminCall("/api/v1/admin/ip-blocks"));
    const block = blocks.blocks.find((b: { ip: string }) => b.ip === ip);
    expect(block).toMatchObject({ source: "automatic", ip });
    const minutes = (Date.parse(block.expires_at) - Date.parse(block.created_at)) / 60_000;
    expect(minutes).toBe(15);

    const events = await json(await adminCall("/api/v1/admin/security-events?limit=1000"));
    const mine = events.events.filter((e: { ip: string }) => e.ip === ip);
    expect(mine.map((e: { type: string }) => e.type).sort()).toEqual(["failed_auth_burst", "ip_blocked"]);
    expect(mine.find((e: { type: string }) => e.type === "failed_auth_burst").details).toMatchObject({
      failures: FAILURE_THRESHOLD,
      window_seconds: 300,
    });
    const audited = await auditRows("event = 'security.ip_blocked' AND ip = ?1", ip);
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0]?.details ?? "{}")).toMatchObject({ block_id: block.block_id, source: "automatic" });

    const removed = await adminCall(`/api/v1/admin/ip-blocks/${block.block_id}`, { method: "DELETE" });
    expect(removed.status).toBe(204);
    expect((await callFrom(ip, "/api/v1/me", { headers: trader })).status).toBe(200);
    // The count started again after the burst: one more failure does not block.
    expect((await failFrom(ip, 1)).status).toBe(401);
    expect((await callFrom(ip, "/api/v1/me", { headers: trader })).status).toBe(200);
    const [removal] = await auditRows("event = 'admin.ip_block_removed' AND details LIKE ?1", `%${block.block_id}%`);
    expect(removal?.account_id).toBe("usr_guard_admin");
  }, 60_000); // 10 password hashes

  it("does not count calls that present no credentials or an expired token", async () => {
    // A genuine token of a live session, past its expiry (signed with the service's own key).
    const user = await registerUser();
    const claims = claimsOf((await loginUser(user.email)).access_token);
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT({ ...claims, iat: past - 600, exp: past } as JWTPayload)
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: (await getKeys(getConfig(env))).kid })
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    const ip = uniqueIp();
    for (let i = 0; i < FAILURE_THRESHOLD + 5; i++) {
      await expectError(await callFrom(ip, "/api/v1/me"), 401, "unauthorized");
      await expectError(
        await callFrom(ip, "/api/v1/me", { headers: { Authorization: `Bearer ${expired}` } }),
        401,
        "token_expired",
      );
    }
    expect((await callFrom(ip, "/api/v1/me", { headers: trader })).status).toBe(200);
  }, 30_000);

  it("counts IPv6 callers per /64 and blocks the /64, so rotating addresses does not help", async () => {
    const prefix = `2001:db8:${(crypto.getRandomValues(new Uint16Array(1))[0] as number).toString(16)}:7`;
    for (let i = 0; i < FAILURE_THRESHOLD; i++)
      expect((await failFrom(`${prefix}::${(i + 1).toString(16)}`, 1)).status).toBe(401);
    await expectError(await callFrom(`${prefix}::ffff`, "/api/v1/me", { headers: trader }), 403, "ip_blocked");
    const blocks = await json(await adminCall("/api/v1/admin/ip-blocks"));
    const block = blocks.blocks.find((b: { ip: string }) => b.ip === `${prefix}::/64`);
    expect(block).toMatchObject({ source: "automatic" });
    await adminCall(`/api/v1/admin/ip-blocks/${block.block_id}`, { method: "DELETE" });
    expect((await callFrom(`${prefix}::ffff`, "/api/v1/me", { headers: trader })).status).toBe(200);
  });

  it("counts failures per IP: two IPs with 19 failures each stay unblocked", async () => {
    const [a, b] = [uniqueIp(), uniqueIp()];
    for (let i = 0; i < FAILURE_THRESHOLD - 1; i++) {
      await failFrom(a, 1);
      await failFrom(b, 1);
    }
    expect((await callFrom(a, "/api/v1/me", { headers: trader })).status).toBe(200);
    expect((await callFrom(b, "/api/v1/me", { headers: trader })).status).toBe(200);
  });
});

describe("manual IP blocks", () => {
  it("refuses every address of a CIDR range on /api/v1 and /ws, and nothing outside it", async () => {
    const res = await adminCall("/api/v1/admin/ip-blocks", {
      method: "POST",
      body: JSON.stringify({ ip: "198.51.100.77/24", reason: "scanner", expires_in_seconds: 3600 }),
    });
    expect(res.status).toBe(201);
    const block = await json(res);
    expect(block).toMatchObject({ ip: "198.51.100.0/24", reason: "scanner", source: "manual" });
    const raised = await eventually(async () => {
      const row = await env.DB.prepare("SELECT details FROM security_events WHERE type = 'ip_blocked' AND ip = ?1")
        .bind("198.51.100.0/24")
        .first<{ details: string }>();
      return row ? JSON.parse(row.details) : undefined;
    });
    expect(raised).toMatchObject({ block_id: block.block_id, source: "manual", by: "usr_guard_admin" });
    expect(Date.parse(block.expires_at) - Date.parse(block.created_at)).toBe(3_600_000);
    try {
      await expectError(await callFrom("198.51.100.9", "/api/v1/me", { headers: trader }), 403, "ip_blocked");
      await expectError(await callFrom("198.51.100.250", "/ws/market"), 403, "ip_blocked");
      expect((await callFrom("198.51.101.9", "/api/v1/me", { headers: trader })).status).toBe(200);
      // Public routes outside /api/v1 and /ws stay reachable (health probes, docs).
      expect((await callFrom("198.51.100.9", "/.well-known/jwks.json")).status).toBe(200);
    } finally {
      await adminCall(`/api/v1/admin/ip-blocks/${block.block_id}`, { method: "DELETE" });
    }
    expect((await callFrom("198.51.100.9", "/api/v1/me", { headers: trader })).status).toBe(200);
  });

  it("matches IPv6 ranges and IPv4-mapped IPv6 callers", async () => {
    const ids: string[] = [];
    for (const ip of ["2001:db8:abcd::/48", "203.0.113.9"]) {
      const res = await adminCall("/api/v1/admin/ip-blocks", { method: "POST", body: JSON.stringify({ ip }) });
      expect(res.status).toBe(201);
      ids.push((await json(res)).block_id);
    }
    try {
      await expectError(await callFrom("2001:db8:abcd:12::1", "/api/v1/me"), 403, "ip_blocked");
      await expectError(await callFrom("::ffff:203.0.113.9", "/api/v1/me"), 403, "ip_blocked");
      expect((await callFrom("2001:db8:abce::1", "/api/v1/me", { headers: trader })).status).toBe(200);
    } finally {
      for (const id of ids) await adminCall(`/api/v1/admin/ip-blocks/${id}`, { method: "DELETE" });
    }
  });

  it("keeps blocks in D1 so every isolate sees them", async () => {
    const res = await adminCall("/api/v1/admin/ip-blocks", {
      method: "POST",
      body: JSON.stringify({ ip: "192.0.2.44" }),
    });
    const block = await json(res);
    const row = await env.DB.prepare("SELECT ip, source, created_by, expires_at FROM ip_blocks WHERE id = ?1")
      .bind(block.block_id)
      .first();
    expect(row).toEqual({ ip: "192.0.2.44", source: "manual", created_by: "usr_guard_admin", expires_at: null });
    await adminCall(`/api/v1/admin/ip-blocks/${block.block_id}`, { method: "DELETE" });
    expect(await env.DB.prepare("SELECT id FROM ip_blocks WHERE id = ?1").bind(block.block_id).first()).toBeNull();
  });
});

describe("login attempts", () => {
  it("counts wrong passwords from one IP towards the block", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < FAILURE_THRESHOLD; i++) {
      const res = await callFrom(ip, "/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `guess-${i}@example.test`, password: "not the password" }),
      });
      await expectError(res, 401, "invalid_credentials");
    }
    await expectError(
      await callFrom(ip, "/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "guess@example.test", password: "not the password" }),
      }),
      403,
      "ip_blocked",
    );
  }, 60_000); // 20 password hashes (PBKDF2, 100,000 iterations each)
});
