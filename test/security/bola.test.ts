/**
 * OWASP API1:2023 Broken object level authorization. User B owns resources (an API key, an open
 * and a closed position, audit entries, and whatever else has an owned path parameter); user A,
 * with every scope a trader holds, probes every operation of /openapi.json that takes such a
 * parameter with B's ids, by JWT and by a signed API key. Each probe must answer exactly like a
 * missing id (404 not_found, same message), reveal none of B's data and change nothing; every
 * list A can read must hold none of B's identifiers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { flushed } from "../audit-helpers";
import { newAddress } from "../fixtures/solana";
import { expectError, json } from "../helpers";
import { freshSymbol, openOk } from "../portfolio-helpers";
import { type Caller, jwtCaller, keyCaller, send, TRADER_SCOPES } from "./actors";
import {
  apiOperations,
  exampleOf,
  fillPath,
  isAdmin,
  type Operation,
  openApiDocument,
  type Parameter,
  pathParams,
} from "./openapi";
import { changedTables, snapshot } from "./state";

// Path parameters that name shared, public data (market symbols, token mints): no owner to protect.
const PUBLIC_PARAMS = new Set(["symbol", "token_address"]);

interface Victim {
  caller: Caller & { kind: "jwt" };
  /** Owned ids by path parameter name: every id of that kind B owns. */
  owned: Record<string, string[]>;
  /** Everything that identifies B or B's resources; none of it may reach A. */
  identifiers: string[];
}

let victim: Victim;
let attackerJwt: Caller & { kind: "jwt" };
let attackerKey: Caller;

/** The same kind of id, but one nobody owns: same prefix and length, random characters. */
function missingLike(id: string): string {
  const cut = id.indexOf("_") + 1;
  const rest = id.slice(cut).replace(/[0-9a-f]/g, () => "0123456789abcdef"[Math.floor(Math.random() * 16)] as string);
  return id.slice(0, cut) + rest;
}

/** A valid request body for `op`, or undefined for operations without one. */
async function bodyFor(op: Operation, symbol: string): Promise<unknown> {
  if (!op.body) return undefined;
  const body = exampleOf(await openApiDocument(), op.body) as Record<string, unknown>;
  if (body && typeof body === "object" && "symbol" in body) body.symbol = symbol;
  return body;
}

let symbol: string;

beforeAll(async () => {
  symbol = await freshSymbol("100.00");
  const b = await jwtCaller("trader", "user B");
  const key = await keyCaller(b, ["read:market", "read:portfolio"], "B's key");
  const keyId = key.kind === "key" ? key.key.key_id : "";
  const open = await openOk(b.headers, { symbol, size: "1", type: "long" });
  const closed = await openOk(b.headers, { symbol, size: "2", type: "short" });
  expect((await send(b, "DELETE", `/api/v1/portfolio/positions/${closed}`)).status).toBe(200);
  const monitor = await send(b, "POST", "/api/v1/monitor", { token_addresses: [newAddress()], update_interval: 300 });
  expect(monitor.status).toBe(201);
  const [monitoringId] = (await json(monitor)).monitoring_ids as string[];
  // B's own audit trail: a few requests made with the key too.
  expect((await send(key, "GET", "/api/v1/me")).status).toBe(200);
  await flushed();
  victim = {
    caller: b,
    owned: { key_id: [keyId], position_id: [open, closed], monitoring_id: [monitoringId as string] },
    identifiers: [
      b.userId,
      keyId,
      monitoringId as string,
      open,
      closed,
      key.kind === "key" ? key.key.prefix : "",
      `${b.userId.toLowerCase()}@`,
    ],
  };
  attackerJwt = await jwtCaller("trader", "user A (JWT)");
  attackerKey = await keyCaller(attackerJwt, TRADER_SCOPES, "user A (API key)");
});

function ownedOperations(ops: Operation[]): Operation[] {
  return ops.filter((op) => !isAdmin(op) && pathParams(op).some((name) => !PUBLIC_PARAMS.has(name)));
}

describe("BOLA: another account's resources by id", () => {
  it("knows whether every path parameter of the document names owned or public data", async () => {
    const names = new Set(ownedOperations(apiOperations(await openApiDocument())).flatMap(pathParams));
    const unclassified = [...names].filter((name) => !PUBLIC_PARAMS.has(name) && !(name in victim.owned));
    expect(unclassified, "add a fixture owned by B for each new kind of owned id").toEqual([]);
  }, 60_000);

  it("answers user A's JWT and signed API key on every route with B's id exactly like a missing id, and changes nothing", async () => {
    const ops = ownedOperations(apiOperations(await openApiDocument()));
    expect(ops.length).toBeGreaterThanOrEqual(6);
    const before = await snapshot();
    let probes = 0;
    for (const op of ops) {
      const body = await bodyFor(op, symbol);
      for (const attacker of [attackerJwt, attackerKey]) {
        const owned = pathParams(op).filter((name) => !PUBLIC_PARAMS.has(name));
        for (const name of owned) {
          for (const id of victim.owned[name] ?? []) {
            const where = `${attacker.label} → ${op.method} ${op.path} with B's ${name}`;
            const values = { [name]: id };
            const res = await send(attacker, op.method, fillPath(op, values), body);
            const text = await res.clone().text();
            const error = await expectError(res, 404, "not_found").catch((err) => {
              throw new Error(`${where}: ${err.message}`);
            });
            // Echoing the id A sent reveals nothing; anything else of B's would.
            for (const identifier of victim.identifiers.filter((x) => x && x !== id)) {
              expect(text, where).not.toContain(identifier);
            }
            // Indistinguishable from an id nobody owns: same status, code and message.
            const missing = missingLike(id);
            const other = await expectError(
              await send(attacker, op.method, fillPath(op, { [name]: missing }), body),
              404,
              "not_found",
            );
            expect(error.message.replaceAll(id, "<id>"), where).toBe(other.message.replaceAll(missing, "<id>"));
            expect(JSON.stringify(error.details).replaceAll(id, "<id>"), where).toBe(
              JSON.stringify(other.details).replaceAll(missing, "<id>"),
            );
            probes++;
          }
        }
      }
    }
    expect(probes).toBeGreaterThanOrEqual(ops.length * 2);
    expect(changedTables(before, await snapshot())).toEqual([]);
  }, 60_000);

  it("leaves B's key, positions and monitor working for B after the probes", async () => {
    const [keyId] = victim.owned.key_id as string[];
    const key = await json(await send(victim.caller, "GET", `/api/v1/keys/${keyId}`));
    expect(key.status).toBe("active");
    for (const id of victim.owned.position_id as string[]) {
      expect((await send(victim.caller, "GET", `/api/v1/portfolio/positions/${id}`)).status).toBe(200);
    }
    const monitors = await json(await send(victim.caller, "GET", "/api/v1/monitor"));
    expect(monitors.monitors.map((m: { monitoring_id: string }) => m.monitoring_id)).toEqual(
      victim.owned.monitoring_id,
    );
  }, 60_000);
});

/** Query strings for a list operation: each enum value in turn, and B's id where an account is named. */
function listQueries(op: Operation, doc: Awaited<ReturnType<typeof openApiDocument>>): string[] {
  const query = op.parameters.filter((p: Parameter) => p.in === "query");
  const base = new URLSearchParams();
  for (const p of query) {
    if (/account_id|user_id|owner/.test(p.name)) base.set(p.name, victim.caller.userId);
    else if (p.required) base.set(p.name, String(exampleOf(doc, p.schema)));
  }
  const variants = [base.toString()];
  for (const p of query) {
    for (const value of p.schema?.enum ?? []) {
      const q = new URLSearchParams(base);
      q.set(p.name, String(value));
      variants.push(q.toString());
    }
  }
  return variants.map((q) => (q ? `?${q}` : ""));
}

describe("BOLA: lists and reads never carry another account's items", () => {
  it("holds none of B's identifiers in any answer A gets from a read operation without an id", async () => {
    const doc = await openApiDocument();
    const reads = apiOperations(doc).filter((op) => op.method === "GET" && !isAdmin(op) && pathParams(op).length === 0);
    expect(reads.length).toBeGreaterThanOrEqual(6);
    let answered = 0;
    for (const op of reads) {
      for (const query of listQueries(op, doc)) {
        for (const attacker of [attackerJwt, attackerKey]) {
          const res = await send(attacker, "GET", `${op.path}${query}`);
          const text = await res.text();
          const where = `${attacker.label} → GET ${op.path}${query} (${res.status})`;
          expect(res.status, `${where}: ${text.slice(0, 300)}`).toBeLessThan(500);
          if (res.status === 200) answered++;
          for (const identifier of victim.identifiers.filter(Boolean)) expect(text, where).not.toContain(identifier);
        }
      }
    }
    expect(answered).toBeGreaterThanOrEqual(reads.length);
  }, 60_000);

  it("gives A an empty audit page when A names B's account, and B's own entries to B", async () => {
    const query = `?account_id=${victim.caller.userId}`;
    const asAttacker = await json(await send(attackerJwt, "GET", `/api/v1/audit-logs${query}`));
    expect(asAttacker.entries).toEqual([]);
    const asVictim = await json(await send(victim.caller, "GET", `/api/v1/audit-logs${query}`));
    expect(asVictim.entries.length).toBeGreaterThan(0);
  }, 60_000);
});
