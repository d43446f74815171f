/**
 * OWASP API4:2023 Unrestricted resource consumption: every body is capped at 1 MiB before it is
 * parsed, every list is capped at 1,000 items, every array and string a client sends is bounded,
 * and every /api/v1 answer carries the rate-limit headers. The limiter's own exactness, pauses and
 * the WebSocket frame limit are proven in test/middleware/rate-limit*.test.ts and
 * test/routes/ws-market.error.test.ts (mapped in SECURITY.md).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/app";
import { call, expectError } from "../helpers";
import { type Caller, jwtCaller, send } from "./actors";
import {
  apiOperations,
  type Document,
  deref,
  exampleOf,
  fillPath,
  type Operation,
  openApiDocument,
  operations,
  type Schema,
} from "./openapi";
import { changedTables, snapshot } from "./state";

let admin: Caller & { kind: "jwt" };

const PATH_VALUES = {
  key_id: "key_000000000000000000000000",
  position_id: "pos_000000000000000000000000",
  block_id: "blk_000000000000000000000000",
  symbol: "BTC-USDT",
  token_address: "7Lf2U6kZK6TqJ4d4BWK3TYsy7ZrXksu5oEAXpgAHbMR9",
  monitoring_id: "mon_000000000000000000000000",
};

beforeAll(async () => {
  admin = await jwtCaller("admin", "admin");
});

/** Every schema reachable from `schema`, with a readable location. */
function* walk(doc: Document, schema: Schema, where: string, seen = new Set<Schema>()): Generator<[string, Schema]> {
  const resolved = deref(doc, schema);
  if (!resolved || seen.has(resolved)) return;
  seen.add(resolved);
  yield [where, resolved];
  for (const [name, property] of Object.entries<Schema>(resolved.properties ?? {})) {
    yield* walk(doc, property, `${where}.${name}`, seen);
  }
  if (resolved.items) yield* walk(doc, resolved.items, `${where}[]`, seen);
  for (const [i, item] of (resolved.prefixItems ?? []).entries()) yield* walk(doc, item, `${where}[${i}]`, seen);
  for (const [i, option] of (resolved.anyOf ?? resolved.oneOf ?? []).entries()) {
    yield* walk(doc, option, `${where}|${i}`, seen);
  }
}

describe("resource consumption: request size", () => {
  it("refuses a body one byte over 1 MiB with 413 on every operation that takes a body, and writes nothing", async () => {
    const doc = await openApiDocument();
    const ops = operations(doc).filter((op) => op.body);
    expect(ops.length).toBeGreaterThanOrEqual(10);
    const pad = "x".repeat(MAX_BODY_BYTES + 1 - '{"pad":""}'.length);
    const before = await snapshot();
    for (const op of ops) {
      const res = await send(admin, op.method, fillPath(op, PATH_VALUES), `{"pad":"${pad}"}`);
      await expectError(res, 413, "payload_too_large").catch((err) => {
        throw new Error(`${op.method} ${op.path}: ${err.message}`);
      });
    }
    expect(changedTables(before, await snapshot())).toEqual([]);
  }, 60_000);

  it("bounds every array with maxItems and every string with maxLength, an enum or a bounded pattern in request schemas", async () => {
    const doc = await openApiDocument();
    const unbounded: string[] = [];
    for (const op of operations(doc)) {
      const roots: Array<[string, Schema]> = op.parameters.map((p) => [`${p.in}.${p.name}`, p.schema]);
      if (op.body) roots.push(["body", op.body]);
      for (const [root, schema] of roots) {
        for (const [where, s] of walk(doc, schema, root)) {
          const type = Array.isArray(s.type) ? s.type : [s.type];
          if (type.includes("array") && !(s.maxItems <= 10_000) && !s.prefixItems) {
            unbounded.push(`${op.operationId} ${where}: array without maxItems`);
          }
          const boundedPattern = typeof s.pattern === "string" && !/[*+]|\{\d+,\}/.test(s.pattern.replace(/\\./g, ""));
          const boundedFormat = s.format === "date-time";
          if (type.includes("string") && !(s.maxLength <= 65_536) && !s.enum && !boundedPattern && !boundedFormat) {
            unbounded.push(`${op.operationId} ${where}: string without maxLength`);
          }
        }
      }
    }
    expect(unbounded).toEqual([]);
  }, 60_000);

  it("refuses an oversized value in every string query parameter with 400, never a 5xx", async () => {
    const doc = await openApiDocument();
    let probes = 0;
    for (const op of apiOperations(doc)) {
      for (const p of op.parameters.filter((x) => x.in === "query" && deref(doc, x.schema)?.type === "string")) {
        const query = new URLSearchParams({ [p.name]: "9".repeat(4_000) });
        const res = await send(admin, op.method, `${fillPath(op, PATH_VALUES)}?${query}`);
        expect(res.status, `${op.method} ${op.path} ?${p.name}=<4000 chars>`).toBe(400);
        probes++;
      }
    }
    expect(probes).toBeGreaterThanOrEqual(10);
  }, 60_000);
});

describe("resource consumption: list sizes", () => {
  /** Page-size parameters: every `limit` except the audit verifier's walk bound. */
  function pageSized(doc: Document): Operation[] {
    return apiOperations(doc).filter(
      (op) => op.parameters.some((p) => p.in === "query" && p.name === "limit") && !op.path.endsWith("/audit/verify"),
    );
  }

  it("documents limit as 1-1000 with a default of at most 100 on every paged operation", async () => {
    const doc = await openApiDocument();
    const ops = pageSized(doc);
    expect(ops.length).toBeGreaterThanOrEqual(6);
    for (const op of ops) {
      const limit = op.parameters.find((p) => p.name === "limit")?.schema;
      expect(limit, op.path).toMatchObject({ minimum: 1, maximum: 1000 });
      expect(limit.default, op.path).toBeLessThanOrEqual(100);
      expect(
        op.parameters.map((p) => p.name),
        op.path,
      ).toContain("cursor");
    }
  }, 60_000);

  it("refuses limit=0, limit=1001, a fractional and a non-numeric limit with 400 on every paged operation", async () => {
    const doc = await openApiDocument();
    for (const op of pageSized(doc)) {
      for (const limit of ["0", "1001", "1e9", "2.5", "-1", "abc", ""]) {
        const query = new URLSearchParams(requiredQuery(doc, op));
        query.set("limit", limit);
        const res = await send(admin, "GET", `${fillPath(op, PATH_VALUES)}?${query}`);
        if (limit === "") continue; // an empty value falls back to the default on some routes
        await expectError(res, 400, "validation_error").catch((err) => {
          throw new Error(`${op.path}?limit=${limit}: ${err.message}`);
        });
      }
      const ok = await send(
        admin,
        "GET",
        `${fillPath(op, PATH_VALUES)}?${new URLSearchParams({ ...requiredQuery(doc, op), limit: "1000" })}`,
      );
      expect([200, 404], `${op.path}?limit=1000`).toContain(ok.status);
    }
  }, 60_000);

  it("answers a forged or foreign cursor with 400, never a 5xx", async () => {
    const doc = await openApiDocument();
    for (const op of pageSized(doc)) {
      for (const cursor of ["garbage", "eyJ4IjoxfQ", "../../etc/passwd", "' OR 1=1 --", "%00"]) {
        const query = new URLSearchParams({ ...requiredQuery(doc, op), cursor });
        const res = await send(admin, "GET", `${fillPath(op, PATH_VALUES)}?${query}`);
        expect(res.status, `${op.path}?cursor=${cursor}`).toBe(400);
      }
    }
  }, 60_000);
});

function requiredQuery(doc: Document, op: Operation): Record<string, string> {
  return Object.fromEntries(
    op.parameters.filter((p) => p.in === "query" && p.required).map((p) => [p.name, String(exampleOf(doc, p.schema))]),
  );
}

describe("resource consumption: rate limits", () => {
  it("puts X-RateLimit-Limit, -Remaining and -Reset on the answer of every /api/v1 operation", async () => {
    const doc = await openApiDocument();
    for (const op of apiOperations(doc)) {
      const res = await send(admin, op.method, fillPath(op, PATH_VALUES), op.body ? "{}" : undefined);
      const where = `${op.method} ${op.path} (${res.status})`;
      expect(res.status, where).toBeLessThan(500);
      for (const header of ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]) {
        expect(res.headers.get(header), `${where} ${header}`).toMatch(/^\d+$/);
      }
    }
  }, 60_000);

  it("counts a request that only probes (bad credentials) against the caller's IP as well", async () => {
    const res = await call("/api/v1/me", {
      headers: { Authorization: "Bearer not-a-token", "CF-Connecting-IP": "198.18.7.7" },
    });
    await expectError(res, 401, "invalid_token");
    expect(res.headers.get("X-RateLimit-Remaining")).toMatch(/^\d+$/);
  }, 60_000);
});
