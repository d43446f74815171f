import { env } from "cloudflare:workers";
import { createRoute, z } from "@hono/zod-openapi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { ApiError } from "../../src/errors";
import { requireScope } from "../../src/middleware/auth";
import { BASE, expectError, tokenFor } from "../helpers";
import { growth, scrape } from "../metrics-helpers";

function appWithTestRoutes() {
  const app = createApp();
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/__test/orders/{order_id}",
      middleware: [requireScope("read:portfolio")],
      request: { params: z.object({ order_id: z.string() }) },
      responses: { 200: { description: "ok" } },
    }),
    (c) => c.json({ order_id: c.req.valid("param").order_id }, 200),
  );
  app.get("/api/v1/__test/fails", () => {
    throw new Error("ledger write failed", { cause: new Error("D1_ERROR: database is locked") });
  });
  app.get("/api/v1/__test/upstream", () => {
    throw new ApiError("MARKET_002");
  });
  app.get("/api/v1/__test/no-model", () => {
    throw new ApiError("AI_001");
  });
  return (path: string, init: RequestInit = {}) => app.request(`${BASE}${path}`, init, env);
}

/** Captures the JSON log lines written while `run` executes. */
async function captureLogs(run: () => unknown) {
  const lines: Array<{ stream: string; entry: Record<string, unknown> }> = [];
  for (const stream of ["log", "warn", "error"] as const) {
    vi.spyOn(console, stream).mockImplementation((line: unknown) => {
      lines.push({ stream, entry: JSON.parse(String(line)) });
    });
  }
  await run();
  vi.restoreAllMocks();
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe("request logs", () => {
  it("writes exactly one JSON line per request with its id, route template, status, latency, principal and IP", async () => {
    const request = appWithTestRoutes();
    const token = await tokenFor("trader", "usr_log_test");
    let res: Response | undefined;
    const lines = await captureLogs(async () => {
      res = await request("/api/v1/__test/orders/ord_123?token=secret-query-value", {
        headers: {
          Authorization: `Bearer ${token}`,
          "CF-Connecting-IP": "203.0.113.9",
          "User-Agent": "test-client/1.0",
          "X-Request-Id": "log-test-1",
        },
      });
    });
    expect(res?.status).toBe(200);
    const requests = lines.filter((l) => l.entry.msg === "request");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.stream).toBe("log");
    expect(requests[0]?.entry).toMatchObject({
      level: "info",
      request_id: "log-test-1",
      method: "GET",
      route: "/api/v1/__test/orders/{order_id}",
      status: 200,
      principal_id: "usr_log_test",
      key_id: null,
      ip: "203.0.113.9",
      user_agent: "test-client/1.0",
    });
    expect(requests[0]?.entry.latency_ms).toEqual(expect.any(Number));
    expect(requests[0]?.entry.time).toMatch(/Z$/);
  });

  it("never logs the token, the raw path or the query string", async () => {
    const request = appWithTestRoutes();
    const token = await tokenFor("trader");
    const lines = await captureLogs(() =>
      request("/api/v1/__test/orders/ord_secret_999?token=pk_query_secret_value", {
        headers: { Authorization: `Bearer ${token}`, "X-API-Signature": "abc123signature" },
      }),
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split(".")[1] as string);
    expect(text).not.toContain("pk_query_secret_value");
    expect(text).not.toContain("ord_secret_999");
    expect(text).not.toContain("abc123signature");
  });

  it("logs a request refused before its handler with the route template and the error code", async () => {
    const request = appWithTestRoutes();
    const lines = await captureLogs(async () => {
      await expectError(await request("/api/v1/__test/orders/ord_1"), 401, "unauthorized");
    });
    const entry = lines.find((l) => l.entry.msg === "request")?.entry;
    expect(entry).toMatchObject({
      route: "/api/v1/__test/orders/{order_id}",
      status: 401,
      error_code: "unauthorized",
      principal_id: null,
    });
  });

  it("logs an unknown URL under 'unmatched' with its path but without its query", async () => {
    const request = appWithTestRoutes();
    const lines = await captureLogs(() => request("/wp-login.php?pwd=hunter2"));
    const entry = lines.find((l) => l.entry.msg === "request")?.entry;
    expect(entry).toMatchObject({ route: "unmatched", status: 404, path: "/wp-login.php", error_code: "not_found" });
    expect(JSON.stringify(lines)).not.toContain("hunter2");
  });

  it("logs a server error at error level with its cause chain", async () => {
    const request = appWithTestRoutes();
    const lines = await captureLogs(async () => {
      await expectError(await request("/api/v1/__test/fails"), 500, "internal_error");
    });
    const entry = lines.find((l) => l.entry.msg === "request");
    expect(entry?.stream).toBe("error");
    expect(entry?.entry).toMatchObject({
      level: "error",
      status: 500,
      error_code: "internal_error",
      error: { name: "Error", message: "ledger write failed", cause: { message: "D1_ERROR: database is locked" } },
    });
  });

  it("logs a deliberate 503 (no model trained yet) as a warning, not an error", async () => {
    const request = appWithTestRoutes();
    const lines = await captureLogs(() => request("/api/v1/__test/no-model"));
    const entry = lines.find((l) => l.entry.msg === "request");
    expect(entry?.stream).toBe("warn");
    expect(entry?.entry).toMatchObject({ level: "warn", status: 503, error_code: "AI_001" });
  });

  it("logs business 5xx errors with their code", async () => {
    const request = appWithTestRoutes();
    const lines = await captureLogs(() => request("/api/v1/__test/upstream"));
    const entry = lines.find((l) => l.entry.msg === "request");
    expect(entry?.stream).toBe("error");
    expect(entry?.entry).toMatchObject({ status: 502, error_code: "MARKET_002" });
  });
});

describe("route labels", () => {
  it("counts a request refused before its handler under the route's template", async () => {
    const request = appWithTestRoutes();
    const labels = { method: "GET", route: "/api/v1/__test/orders/{order_id}", status: "401" };
    const before = await scrape();
    vi.spyOn(console, "log").mockImplementation(() => {});
    for (let i = 0; i < 3; i++) await request(`/api/v1/__test/orders/ord_${i}`);
    vi.restoreAllMocks();
    expect(growth(before, await scrape(), "http_requests_total", labels)).toBe(3);
  });
});
