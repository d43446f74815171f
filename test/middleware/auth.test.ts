import { env } from "cloudflare:workers";
import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { allowAnonymousOr, requireScope } from "../../src/middleware/auth";
import { BASE, expectError, json, tokenFor } from "../helpers";

function guardedApp() {
  const app = createApp();
  const ok = z.object({ user_id: z.string().nullable() });
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/__test/portfolio",
      middleware: [requireScope("read:portfolio")],
      responses: { 200: { description: "ok", content: { "application/json": { schema: ok } } } },
    }),
    (c) => c.json({ user_id: c.get("principal")?.user_id ?? null }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/v1/__test/public",
      middleware: [allowAnonymousOr("write:ingest")],
      responses: { 200: { description: "ok", content: { "application/json": { schema: ok } } } },
    }),
    (c) => c.json({ user_id: c.get("principal")?.user_id ?? null }, 200),
  );
  return (path: string, headers: Record<string, string> = {}) => app.request(`${BASE}${path}`, { headers }, env);
}

describe("authenticate + requireScope", () => {
  it("refuses a guarded route without credentials with 401 unauthorized", async () => {
    await expectError(await guardedApp()("/api/v1/__test/portfolio"), 401, "unauthorized");
  });

  it("refuses a role without the scope with 403 forbidden", async () => {
    const res = await guardedApp()("/api/v1/__test/portfolio", {
      Authorization: `Bearer ${await tokenFor("developer")}`,
    });
    const error = await expectError(res, 403, "forbidden");
    expect(error.details.required_scopes).toEqual(["read:portfolio"]);
  });

  it("lets a trader's token through and exposes the principal", async () => {
    const res = await guardedApp()("/api/v1/__test/portfolio", {
      Authorization: `Bearer ${await tokenFor("trader", "usr_42")}`,
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ user_id: "usr_42" });
  });

  it("refuses a malformed Authorization header and a garbage token before the handler", async () => {
    const request = guardedApp();
    await expectError(await request("/api/v1/__test/public", { Authorization: "Basic abc" }), 401, "invalid_token");
    await expectError(
      await request("/api/v1/__test/public", { Authorization: "Bearer garbage" }),
      401,
      "invalid_token",
    );
  });

  it("lets anonymous callers use public routes but holds authenticated ones to the scope", async () => {
    const request = guardedApp();
    expect((await request("/api/v1/__test/public")).status).toBe(200);
    const dev = await request("/api/v1/__test/public", { Authorization: `Bearer ${await tokenFor("developer")}` });
    await expectError(dev, 403, "forbidden");
    const admin = await request("/api/v1/__test/public", { Authorization: `Bearer ${await tokenFor("admin")}` });
    expect(admin.status).toBe(200);
  });
});
