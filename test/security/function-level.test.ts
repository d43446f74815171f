/**
 * OWASP API5:2023 Broken function level authorization: every admin operation of /openapi.json
 * refuses everyone but an admin credential holding `admin`, with a complete, valid request (real
 * ids, example bodies, signed when made with a key), and the refused request changes nothing.
 * Ingest operations likewise refuse callers without `write:ingest`.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { expectError, json } from "../helpers";
import { ANONYMOUS, type Caller, jwtCaller, keyCaller, send, TRADER_SCOPES } from "./actors";
import { apiOperations, exampleOf, fillPath, isAdmin, type Operation, openApiDocument, pathParams } from "./openapi";
import { changedTables, snapshot } from "./state";

let admin: Caller & { kind: "jwt" };
let victimKeyId: string;
let blockId: string;

/** Real ids for every path parameter an admin operation takes. */
function pathValues(): Record<string, string> {
  return { key_id: victimKeyId, block_id: blockId };
}

async function bodyFor(op: Operation): Promise<unknown> {
  if (!op.body) return undefined;
  return exampleOf(await openApiDocument(), op.body);
}

beforeAll(async () => {
  admin = await jwtCaller("admin", "admin JWT");
  const victim = await jwtCaller("trader", "victim");
  const key = await keyCaller(victim, ["read:market"], "victim key");
  victimKeyId = key.kind === "key" ? key.key.key_id : "";
  const block = await send(admin, "POST", "/api/v1/admin/ip-blocks", { ip: "198.51.100.77", reason: "fixture" });
  expect(block.status).toBe(201);
  blockId = (await json(block)).block_id;
});

describe("function-level authorization: admin operations", () => {
  it("refuses traders, developers, their API keys and an admin's key without the admin scope (403), and anonymous callers (401), on every admin operation", async () => {
    const doc = await openApiDocument();
    const ops = apiOperations(doc).filter(isAdmin);
    expect(ops.length).toBeGreaterThanOrEqual(10);
    const trader = await jwtCaller("trader", "trader JWT");
    const developer = await jwtCaller("developer", "developer JWT");
    const refused: Caller[] = [
      trader,
      developer,
      await keyCaller(trader, TRADER_SCOPES, "trader key (every trader scope)"),
      await keyCaller(developer, ["read:market", "read:audit"], "developer key"),
      // Least privilege: the key of an admin account is only as strong as its own scopes.
      await keyCaller(admin, ["read:market", "read:audit", "write:ingest"], "admin's key without admin"),
    ];
    const before = await snapshot();
    let probes = 0;
    for (const op of ops) {
      const path = fillPath(op, pathValues());
      const body = await bodyFor(op);
      for (const caller of refused) {
        const error = await expectError(await send(caller, op.method, path, body), 403, "forbidden").catch((err) => {
          throw new Error(`${caller.label} → ${op.method} ${path}: ${err.message}`);
        });
        expect(JSON.stringify(error)).not.toContain(victimKeyId);
        probes++;
      }
      await expectError(await send(ANONYMOUS, op.method, path, body), 401, "unauthorized");
    }
    expect(probes).toBe(ops.length * refused.length);
    // Nothing any refused call asked for happened: no halt, no block, no key suspended or re-tiered.
    expect(changedTables(before, await snapshot())).toEqual([]);
    const halt = await env.DB.prepare("SELECT value FROM system_settings WHERE key = 'trading_halt'").first();
    expect(halt).toBeNull();
  }, 60_000);

  it("lets an admin's JWT reach every admin operation (so the refusals above are about the caller)", async () => {
    const doc = await openApiDocument();
    for (const op of apiOperations(doc).filter(isAdmin)) {
      // Read-only operations only: the writes' effects are tested in test/routes/admin*.test.ts.
      if (op.method !== "GET") continue;
      const res = await send(admin, op.method, fillPath(op, pathValues()));
      expect(res.status, `${op.method} ${op.path}`).toBe(200);
    }
  }, 60_000);

  it("names a real id for every path parameter an admin operation takes", async () => {
    const doc = await openApiDocument();
    const names = new Set(apiOperations(doc).filter(isAdmin).flatMap(pathParams));
    expect([...names].filter((name) => !(name in pathValues()))).toEqual([]);
  }, 60_000);
});

describe("function-level authorization: data ingestion", () => {
  it("refuses callers without write:ingest on every ingest operation and stores nothing", async () => {
    const doc = await openApiDocument();
    const ops = apiOperations(doc).filter((op) => op.method === "POST" && /\/ingest(\/|$)/.test(op.path));
    expect(ops.length).toBeGreaterThanOrEqual(1);
    const trader = await jwtCaller("trader", "trader JWT");
    const callers = [trader, await keyCaller(trader, TRADER_SCOPES, "trader key")];
    const before = await snapshot();
    for (const op of ops) {
      const body = await bodyFor(op);
      for (const caller of callers) {
        const res = await send(caller, op.method, op.path, body);
        // The webhook route also accepts its shared secret; a user credential without the scope is 403.
        expect([401, 403], `${caller.label} → ${op.path}`).toContain(res.status);
        const error = (await json(res)).error;
        expect(["forbidden", "unauthorized"]).toContain(error.code);
      }
    }
    expect(changedTables(before, await snapshot())).toEqual([]);
  }, 60_000);
});
