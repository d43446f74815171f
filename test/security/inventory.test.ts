/**
 * OWASP API9:2023 Improper inventory management: every route the Worker answers is in its
 * OpenAPI document, every documented operation is really served, and each one documents the
 * error envelope for the failures every route can produce.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { call } from "../helpers";
import { deref, documentedStatuses, openApiDocument, operations } from "./openapi";

// The documentation itself: the document cannot list itself, and the docs page and its script
// are HTML/JS for browsers, not API operations. Nothing else may be served undocumented.
const DOCUMENTATION = new Set(["GET /openapi.json", "GET /docs", "GET /docs/init.js"]);

/** Hono's `/:name` → OpenAPI's `/{name}`. */
function toTemplate(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function servedRoutes(): Set<string> {
  const served = new Set<string>();
  for (const route of createApp().routes) {
    // `ALL` entries are middleware (app.use), not endpoints.
    if (route.method === "ALL") continue;
    served.add(`${route.method} ${toTemplate(route.path)}`);
  }
  return served;
}

describe("inventory: the router and /openapi.json agree", () => {
  it("documents every route the router serves, except the documentation itself", async () => {
    const doc = await openApiDocument();
    const documented = new Set(operations(doc).map((op) => `${op.method} ${op.path}`));
    const served = servedRoutes();
    expect(served.size).toBeGreaterThanOrEqual(documented.size);
    const undocumented = [...served].filter((route) => !documented.has(route) && !DOCUMENTATION.has(route));
    expect(undocumented).toEqual([]);
    // The exceptions are real routes (so the list cannot hide a typo) and really answer.
    for (const route of DOCUMENTATION) {
      expect(served.has(route), route).toBe(true);
      const res = await call(route.split(" ")[1] as string);
      expect(res.status, route).toBe(200);
    }
  }, 60_000);

  it("serves every documented operation (no phantom documentation)", async () => {
    const served = servedRoutes();
    const phantom = operations(await openApiDocument())
      .map((op) => `${op.method} ${op.path}`)
      .filter((route) => !served.has(route));
    expect(phantom).toEqual([]);
  }, 60_000);

  it("gives every operation a unique operationId, a summary, tags and a success response", async () => {
    const doc = await openApiDocument();
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(typeof op.operationId, where).toBe("string");
        expect(ids.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
        ids.add(op.operationId);
        expect(op.summary, where).toBeTruthy();
        expect(op.tags?.length, where).toBeGreaterThan(0);
        expect(
          Object.keys(op.responses).some((s) => /^[123]\d\d$/.test(s)),
          `${where} has no success response`,
        ).toBe(true);
      }
    }
  }, 60_000);

  it("documents the error envelope on every operation for what any route can answer (400, 403, 413, 429, 500)", async () => {
    const doc = await openApiDocument();
    const problems: string[] = [];
    for (const op of operations(doc)) {
      const statuses = documentedStatuses(op);
      // 403 https_required, 413 payload_too_large, 429 and 500 come from global middleware.
      for (const status of [400, 403, 413, 429, 500]) {
        if (!statuses.includes(status)) problems.push(`${op.method} ${op.path} lacks ${status}`);
      }
      for (const status of statuses.filter((s) => s >= 400)) {
        // API.md: the readiness probe's 503 is its own body, `status: "degraded"`.
        if (op.path === "/health" && status === 503) continue;
        const response = deref(doc, op.responses[String(status)]);
        const schema = response?.content?.["application/json"]?.schema;
        if (schema?.$ref !== "#/components/schemas/Error") {
          problems.push(`${op.method} ${op.path} ${status} does not use the Error schema`);
        }
      }
      if (op.security?.some((s) => Object.keys(s).length > 0) && !statuses.includes(401)) {
        problems.push(`${op.method} ${op.path} takes credentials but documents no 401`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it("writes every pattern of the document as a plain ECMAScript regular expression clients can compile", async () => {
    const doc = await openApiDocument();
    const bad: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) {
        node.forEach((item, i) => {
          visit(item, `${where}[${i}]`);
        });
        return;
      }
      if (!node || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "pattern" && typeof value === "string") {
          // zod serialises a regex's flags after it ("…$/u"): such a pattern never matches.
          if (/\/[dgimsuvy]+$/.test(value)) bad.push(`${where}: ${value}`);
          try {
            new RegExp(value, "u");
          } catch {
            bad.push(`${where}: ${value} does not compile`);
          }
        } else visit(value, `${where}.${key}`);
      }
    };
    visit(doc, "$");
    expect(bad).toEqual([]);
  }, 60_000);

  it("answers an undocumented path and an undocumented method of a documented path with 404 not_found", async () => {
    const doc = await openApiDocument();
    const res = await call("/api/v1/__not_a_route__");
    expect(res.status).toBe(404);
    // A method the document does not list for a path is not served either.
    for (const [path, item] of Object.entries(doc.paths)) {
      if (path.includes("{") || item.patch) continue;
      const probe = await call(path, { method: "PATCH" });
      expect([404, 405], `PATCH ${path}`).toContain(probe.status);
    }
  }, 60_000);
});
