/**
 * Schema-driven fuzzing with fast-check over every operation of /openapi.json: path, query and
 * header parameters and JSON bodies generated from the document's own schemas (arbitrary.ts),
 * as an admin (who passes every scope check, so requests reach validation and the handlers).
 * Valid-ish requests must never answer 500 or an undocumented status, and every 4xx must be the
 * error envelope with a code of API.md's table and its status. Invalid requests (one part
 * broken at a time) must be refused with a 4xx and change no table. Fixed seed, bounded runs.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../../src/errors";
import { newAddress } from "../fixtures/solana";
import { authHeader, call, json } from "../helpers";
import { freshSymbol, openOk } from "../portfolio-helpers";
import { invalidArb, invalidParamArb, validArb, validParamArb } from "./arbitrary";
import { type Document, documentedStatuses, type Operation, openApiDocument, operations } from "./openapi";
import { changedTables, snapshot } from "./state";

const SEED = 15;
const VALID_RUNS = 5;
const INVALID_RUNS = 8;
// Bodies validated item by item (202 with `rejected`): only the envelope itself can be invalid.
const PER_ITEM_BODIES = new Set(["ingestSolana", "ingestMarketData"]);
const BROKEN_JSON = ["{", "[1,", "nul", '"unterminated', "{'single': 1}", ""];

interface FuzzRequest {
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  raw?: string;
  broken?: string;
}

let doc: Document;
/** Real ids of the admin's own resources, so valid-ish requests reach the handlers. */
const real: Record<string, string> = {};
let ipCounter = 0;
/** The admin's credentials, minted once per operation (minting writes a session row). */
let admin: Record<string, string> = {};

beforeAll(async () => {
  doc = await openApiDocument();
  const admin = await authHeader("admin", "usr_fuzz_admin");
  const post = async (path: string, body: unknown) => {
    const res = await call(path, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const payload = await json(res);
    expect(res.status, `${path}: ${JSON.stringify(payload)}`).toBeLessThan(300);
    return payload;
  };
  real.symbol = await freshSymbol("100.00");
  real.position_id = await openOk(admin, { symbol: real.symbol, size: "1", type: "long" });
  real.key_id = (await post("/api/v1/keys", { name: "fuzz", scopes: ["read:market"] })).key_id;
  real.token_address = newAddress();
  real.monitoring_id = (
    await post("/api/v1/monitor", { token_addresses: [real.token_address], update_interval: 60 })
  ).monitoring_ids[0];
  real.block_id = (await post("/api/v1/admin/ip-blocks", { ip: "192.0.2.1", reason: "fuzz fixture" })).block_id;
}, 60_000);

function params(op: Operation, where: "path" | "query" | "header") {
  return op.parameters.filter((p) => p.in === where);
}

/** Valid-ish requests: every part drawn from its schema (real ids weighted in for path ids). */
function validRequest(op: Operation): fc.Arbitrary<FuzzRequest> {
  const path: Record<string, fc.Arbitrary<string>> = {};
  for (const p of params(op, "path")) {
    const generated = validParamArb(doc, p.schema);
    path[p.name] = real[p.name] ? fc.oneof(fc.constant(real[p.name] as string), generated) : generated;
  }
  const model = (where: "query" | "header") => {
    const out: Record<string, fc.Arbitrary<string>> = {};
    for (const p of params(op, where)) {
      const value = validParamArb(doc, p.schema);
      // Header values are ASCII on the wire.
      out[p.name] = where === "header" ? value.map((v) => v.replace(/[^\x20-\x7e]/g, "")) : value;
    }
    return out;
  };
  const required = (where: "query" | "header") =>
    params(op, where)
      .filter((p) => p.required)
      .map((p) => p.name);
  const body = op.body
    ? op.bodyRequired
      ? validArb(doc, op.body)
      : fc.option(validArb(doc, op.body), { nil: undefined })
    : fc.constant(undefined);
  return fc
    .record({
      path: fc.record(path),
      query: fc.record(model("query"), { requiredKeys: required("query") }),
      headers: fc.record(model("header"), { requiredKeys: required("header") }),
      body,
    })
    .map((r) => r as FuzzRequest);
}

/** Requests with exactly one part broken: the body, one parameter, or the JSON itself. */
function invalidRequest(op: Operation): fc.Arbitrary<FuzzRequest> | null {
  const base = validRequest(op);
  const broken: fc.Arbitrary<FuzzRequest>[] = [];
  if (op.body) {
    const bad = PER_ITEM_BODIES.has(op.operationId)
      ? fc.constantFrom<unknown>(null, true, 12345, "str", op.body.type === "array" ? {} : [])
      : invalidArb(doc, op.body);
    if (bad) broken.push(fc.tuple(base, bad).map(([r, body]) => ({ ...r, body, broken: "body" })));
    broken.push(fc.tuple(base, fc.constantFrom(...BROKEN_JSON)).map(([r, raw]) => ({ ...r, raw, broken: "json" })));
  }
  for (const p of op.parameters) {
    const generated = invalidParamArb(doc, p.schema);
    if (!generated) continue;
    // fetch refuses control characters in a header (and warns on non-ASCII): printable ASCII only.
    const bad = p.in === "header" ? generated.filter((v) => /^[\x20-\x7e]*$/.test(v)) : generated;
    const where = p.in === "header" ? "headers" : p.in;
    broken.push(
      fc.tuple(base, bad).map(([r, value]) => ({
        ...r,
        [where]: { ...r[where], [p.name]: value },
        broken: `${p.in}.${p.name}`,
      })),
    );
  }
  return broken.length ? fc.oneof(...broken) : null;
}

function url(op: Operation, r: FuzzRequest): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(r.path[name] ?? ""));
  const query = new URLSearchParams(r.query);
  return query.size ? `${path}?${query}` : path;
}

async function send(op: Operation, r: FuzzRequest): Promise<Response> {
  const n = ipCounter++;
  const headers: Record<string, string> = {
    ...admin,
    // One address per request: failed logins of one run never block the next run's caller.
    "CF-Connecting-IP": `198.18.${(n >> 8) & 255}.${n & 255}`,
    ...r.headers,
  };
  const body = r.raw ?? (r.body === undefined ? undefined : JSON.stringify(r.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  return call(url(op, r), { method: op.method, headers, ...(body === undefined ? {} : { body }) });
}

/** The answer keeps the contract: no 500, a documented status, the error envelope on errors. */
async function checkAnswer(op: Operation, r: FuzzRequest, res: Response): Promise<void> {
  const where = `${op.method} ${url(op, r).slice(0, 200)} (${r.broken ?? "valid-ish"})`;
  expect(res.status, where).not.toBe(500);
  expect(documentedStatuses(op), `${where} answered an undocumented ${res.status}`).toContain(res.status);
  if (res.status < 400) return;
  const body = await json(res);
  const code = body?.error?.code as keyof typeof ERROR_STATUS;
  expect(Object.keys(body ?? {}), where).toEqual(["error"]);
  expect(ERROR_STATUS[code], `${where}: code ${code}`).toBe(res.status);
  expect(typeof body.error.message, where).toBe("string");
  expect(body.error.request_id, where).toMatch(/^req_/);
  expect(typeof body.error.details, where).toBe("object");
}

/** Undoes what accepted admin calls may leave behind for the next operation (a halt, a block list). */
async function resetAdminState(): Promise<void> {
  await call("/api/v1/admin/trading-halt", {
    method: "PUT",
    headers: { ...admin, "content-type": "application/json", "CF-Connecting-IP": "198.19.0.1" },
    body: JSON.stringify({ halted: false }),
  });
}

describe("schema-driven fuzzing of /openapi.json", () => {
  it("covers every operation of the document with valid-ish and invalid requests", async () => {
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThanOrEqual(40);
    const withoutInvalid = ops.filter((op) => invalidRequest(op) === null).map((op) => op.operationId);
    // Operations that take nothing at all can only be sent valid requests.
    for (const id of withoutInvalid) {
      const op = ops.find((o) => o.operationId === id) as Operation;
      expect(op.parameters.length + (op.body ? 1 : 0), id).toBe(0);
    }
  });

  it("never answers a valid-ish request with 500 or an undocumented status, and errors keep the envelope", async () => {
    for (const op of operations(doc)) {
      admin = await authHeader("admin", "usr_fuzz_admin");
      await fc.assert(
        fc.asyncProperty(validRequest(op), async (r) => {
          await checkAnswer(op, r, await send(op, r));
        }),
        { seed: SEED, numRuns: VALID_RUNS, endOnFailure: true },
      );
      if (op.method !== "GET") await resetAdminState();
    }
  }, 180_000);

  it("refuses every request with one broken part with a 4xx envelope, and writes nothing", async () => {
    let refused = 0;
    for (const op of operations(doc)) {
      const arb = invalidRequest(op);
      if (!arb) continue;
      admin = await authHeader("admin", "usr_fuzz_admin");
      const writes = op.method !== "GET";
      // A refused request changes nothing, so one run's "after" is the next run's "before".
      let last: Record<string, string> | null = null;
      await fc.assert(
        fc.asyncProperty(arb, async (r) => {
          const before = writes ? (last ?? (await snapshot())) : {};
          last = null;
          const res = await send(op, r);
          await checkAnswer(op, r, res);
          expect(res.status, `${op.method} ${op.path} (${r.broken}) must be refused`).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          if (writes) {
            const after = await snapshot();
            expect(changedTables(before, after), `${op.method} ${op.path} (${r.broken})`).toEqual([]);
            last = after;
          }
          refused++;
        }),
        { seed: SEED, numRuns: INVALID_RUNS, endOnFailure: true },
      );
    }
    expect(refused).toBeGreaterThan(250);
  }, 180_000);
});
