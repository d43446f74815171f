import { env } from "cloudflare:workers";
import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { createApp, MAX_BODY_BYTES } from "../../src/app";
import { BASE, call, expectError, json } from "../helpers";

/** The real app plus two routes that only tests have: one with a JSON body, one that throws. */
function appWithTestRoutes() {
  const app = createApp();
  app.openapi(
    createRoute({
      method: "post",
      path: "/__test/echo",
      request: {
        body: {
          required: true,
          content: { "application/json": { schema: z.object({ name: z.string().min(2), n: z.number().int() }) } },
        },
      },
      responses: { 200: { description: "echo" } },
    }),
    (c) => c.json(c.req.valid("json"), 200),
  );
  app.get("/__test/boom", () => {
    throw new Error("secret internals: SELECT * FROM users");
  });
  return {
    request: (path: string, init: RequestInit = {}) => app.request(`${BASE}${path}`, init, env),
  };
}

describe("error envelope", () => {
  it("answers an unknown route with 404 not_found and the request id", async () => {
    const res = await call("/nope");
    const error = await expectError(res, 404, "not_found");
    expect(error.request_id).toBe(res.headers.get("x-request-id"));
    expect(error.request_id).toMatch(/^req_/);
  });

  it("echoes a well-formed X-Request-Id and replaces a malformed one", async () => {
    const good = await call("/nope", { headers: { "X-Request-Id": "client-123.a:b_c" } });
    expect(good.headers.get("x-request-id")).toBe("client-123.a:b_c");
    expect((await json(good)).error.request_id).toBe("client-123.a:b_c");

    for (const bad of ["has space", "x".repeat(129), "semi;colon", "<script>"]) {
      const res = await call("/nope", { headers: { "X-Request-Id": bad } });
      expect(res.headers.get("x-request-id")).not.toBe(bad);
      expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    }
  });

  it("refuses invalid JSON with 400 validation_error", async () => {
    const res = await appWithTestRoutes().request("/__test/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name": "ab",',
    });
    const error = await expectError(res, 400, "validation_error");
    expect(error.details.issues).toEqual([expect.objectContaining({ path: "body" })]);
  });

  it("lists each schema problem in details.issues", async () => {
    const res = await appWithTestRoutes().request("/__test/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "a", n: 1.5 }),
    });
    const error = await expectError(res, 400, "validation_error");
    const paths = (error.details.issues as Array<{ path: string }>).map((i) => i.path).sort();
    expect(paths).toEqual(["body.n", "body.name"]);
  });

  it("accepts a valid body", async () => {
    const res = await appWithTestRoutes().request("/__test/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "ok", n: 2 }),
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ name: "ok", n: 2 });
  });

  it("refuses a body without a JSON content type as a validation error", async () => {
    const res = await appWithTestRoutes().request("/__test/echo", { method: "POST", body: "name=ab" });
    await expectError(res, 400, "validation_error");
  });

  it("refuses a 2 MiB body with 413 before parsing it", async () => {
    const body = "x".repeat(2 * 1024 * 1024);
    const res = await appWithTestRoutes().request("/__test/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await expectError(res, 413, "payload_too_large");
  });

  it("refuses an oversize streamed body that has no Content-Length", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(120);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_BODY_BYTES + chunk.length) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await appWithTestRoutes().request("/__test/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      // @ts-expect-error: `duplex` is required by fetch for streamed bodies
      duplex: "half",
    });
    await expectError(res, 413, "payload_too_large");
  });

  it("turns a thrown error into 500 internal_error without internals", async () => {
    const res = await appWithTestRoutes().request("/__test/boom");
    const error = await expectError(res, 500, "internal_error");
    const text = JSON.stringify(error);
    expect(text).not.toContain("SELECT");
    expect(text).not.toContain("secret internals");
    expect(text).not.toMatch(/at .*\.ts/);
    expect(res.headers.get("x-request-id")).toBe(error.request_id);
  });
});

describe("transport", () => {
  it("refuses plain HTTP with 403 https_required when ENFORCE_HTTPS is on", async () => {
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch(new Request("http://api.parapet.test/health"));
    await expectError(res, 403, "https_required");
  });

  it("sets HSTS, nosniff, frame-deny and no-referrer on every response, errors included", async () => {
    for (const res of [await call("/health"), await call("/nope")]) {
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("allows CORS only for configured origins", async () => {
    const preflight = (origin: string) =>
      call("/health", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "GET" },
      });
    const allowed = await preflight("https://app.parapet.test");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.parapet.test");
    const refused = await preflight("https://evil.example");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("GET /health", () => {
  it("reports D1 and Durable Objects as ok", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ status: "ok", checks: { d1: "ok", durable_objects: "ok" } });
    expect(body.timestamp).toMatch(/Z$/);
    expect(typeof body.version).toBe("string");
  });

  it("answers 503 degraded when D1 fails", async () => {
    const app = createApp();
    const brokenDb = {
      prepare: () => {
        throw new Error("D1 is down");
      },
    };
    const res = await app.request(`${BASE}/health`, {}, { ...env, DB: brokenDb });
    expect(res.status).toBe(503);
    expect(await json(res)).toMatchObject({ status: "degraded", checks: { d1: "error", durable_objects: "ok" } });
  });
});

describe("GET /openapi.json and /docs", () => {
  it("serves an OpenAPI 3.1 document with the security schemes and error components", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(["apiKey", "bearerAuth"]));
    expect(doc.components.schemas.Error).toBeDefined();
    expect(doc.components.responses.NotFound.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/Error",
    );
    expect(doc.paths["/health"].get.operationId).toBe("getHealth");
  });

  it("serves a docs page that loads only same-origin scripts", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect(src).toMatch(/^\//);
    expect(html).not.toMatch(/https?:\/\//);
    const init = await call("/docs/init.js");
    expect(await init.text()).toContain("/openapi.json");
  });
});
