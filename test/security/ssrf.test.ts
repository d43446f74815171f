/**
 * OWASP API7:2023 Server-side request forgery. No request field can make the Worker fetch a URL
 * of the caller's choosing: no operation takes a URL, every outbound request goes to a configured
 * upstream (MARKET_UPSTREAM_URL, SOLANA_RPC_URL) on a fixed path, and redirects are never
 * followed. Proven by driving every operation of /openapi.json with URL payloads in every string
 * it takes, then running the every-minute cron, with `fetch` stubbed at the network edge.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { runScheduled } from "../../src/cron";
import { candleItems, realCandles } from "../fixtures/candles";
import { EXCHANGE_URL, fakeExchange } from "../fixtures/exchange";
import { ingest } from "../fixtures/market";
import { BASE } from "../helpers";
import { type Caller, jwtCaller } from "./actors";
import {
  type Document,
  deref,
  exampleOf,
  fillPath,
  type Operation,
  openApiDocument,
  operations,
  type Schema,
} from "./openapi";

const RPC_URL = "https://rpc.solana.test/?api-key=test-only";
// Every configured upstream, and the only paths the Worker may call on them.
const ALLOWED = [
  { origin: EXCHANGE_URL, paths: ["/api/v3/klines", "/api/v3/ticker/price"] },
  { origin: new URL(RPC_URL).origin, paths: ["/"] },
];
const TARGETS = [
  "http://169.254.169.254/latest/meta-data/",
  "http://127.0.0.1:8787/api/v1/admin/ip-blocks",
  "https://evil.example/x",
  "//evil.example/x",
  "https://exchange.test@evil.example/",
  "file:///etc/passwd",
  "gopher://localhost:25/",
];

const upstreamEnv = {
  ...env,
  MARKET_UPSTREAM_URL: EXCHANGE_URL,
  SOLANA_RPC_URL: RPC_URL,
} as Env;

let admin: Caller & { kind: "jwt" };

beforeAll(async () => {
  admin = await jwtCaller("admin");
  // A known symbol with an old price: reads refresh it upstream, so fetches do happen.
  await ingest({
    exchange: "binance",
    candles: candleItems("SOL-USDT", "1h", realCandles("SOL-USDT", "1h").slice(0, 48)),
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Replaces every string of an example value with `payload`. */
function poison(value: unknown, payload: string): unknown {
  if (typeof value === "string") return payload;
  if (Array.isArray(value)) return value.map((v) => poison(v, payload));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v, payload)]));
  }
  return value;
}

function* propertyNames(doc: Document, schema: Schema, seen = new Set<Schema>()): Generator<[string, Schema]> {
  const s = deref(doc, schema);
  if (!s || seen.has(s)) return;
  seen.add(s);
  for (const [name, property] of Object.entries<Schema>(s.properties ?? {})) {
    yield [name, deref(doc, property)];
    yield* propertyNames(doc, property, seen);
  }
  if (s.items) yield* propertyNames(doc, s.items, seen);
}

describe("SSRF: no caller-chosen destinations", () => {
  it("takes no URL, host or callback in any parameter or body field of the document", async () => {
    const doc = await openApiDocument();
    const suspicious = /url|uri|href|host|callback|webhook|redirect|endpoint|domain/i;
    const found: string[] = [];
    for (const op of operations(doc)) {
      for (const p of op.parameters) {
        if (suspicious.test(p.name) || deref(doc, p.schema)?.format === "uri")
          found.push(`${op.operationId} ${p.name}`);
      }
      if (!op.body) continue;
      for (const [name, s] of propertyNames(doc, op.body)) {
        if (suspicious.test(name) || s?.format === "uri") found.push(`${op.operationId} body.${name}`);
      }
    }
    expect(found).toEqual([]);
  }, 60_000);

  it("sends every outbound request of every operation and of the cron to a configured upstream, without following redirects", async () => {
    const exchange = fakeExchange({ "SOLUSDT/1h": realCandles("SOL-USDT", "1h").slice(0, 200) });
    const outbound: Array<{ url: string; redirect: string | undefined }> = [];
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      outbound.push({ url, redirect: init?.redirect ?? (input instanceof Request ? input.redirect : undefined) });
      if (url.startsWith(EXCHANGE_URL)) return exchange.fetch(input);
      return Response.json({ jsonrpc: "2.0", id: 1, result: [] });
    });
    const app = createApp();
    const doc = await openApiDocument();
    // Background work (audit, usage) is awaited at the end, all at once, still under the stub.
    const background: Promise<void>[] = [];
    const send = async (op: Operation, path: string, body?: unknown) => {
      const ctx = createExecutionContext();
      const res = await app.request(
        `${BASE}${path}`,
        {
          method: op.method,
          headers: { ...admin.headers, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        upstreamEnv,
        ctx,
      );
      background.push(waitOnExecutionContext(ctx));
      // The poisoned admin calls may halt trading: a 503 trading_halted is a documented answer.
      if (res.status === 503) expect((await res.json<{ error: { code: string } }>()).error.code).toBe("trading_halted");
      else expect(res.status, `${op.method} ${path}`).toBeLessThan(500);
    };
    let requests = 0;
    for (const op of operations(doc)) {
      if (op.path.startsWith("/ws/")) continue; // upgrades open sockets, they fetch nothing
      for (const target of TARGETS) {
        const values: Record<string, string> = {};
        for (const name of op.path.matchAll(/\{([^}]+)\}/g)) values[name[1] as string] = target;
        const query = new URLSearchParams();
        for (const p of op.parameters.filter((x) => x.in === "query")) query.set(p.name, target);
        const body = op.body ? poison(exampleOf(doc, op.body), target) : undefined;
        await send(op, `${fillPath(op, values)}${query.size ? `?${query}` : ""}`, body);
        requests++;
      }
    }
    // The read path and the cron do reach the upstream (so the check below is not vacuous).
    await send(
      operations(doc).find((op) => op.operationId === "getMarketPrice") as Operation,
      "/api/v1/market/price/SOL-USDT",
    );
    const ctx = createExecutionContext();
    await runScheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), upstreamEnv, ctx);
    await waitOnExecutionContext(ctx);
    await Promise.all(background);
    expect(requests).toBeGreaterThan(operations(doc).length * 3);
    expect(outbound.length).toBeGreaterThan(0);
    for (const { url, redirect } of outbound) {
      const parsed = new URL(url);
      const rule = ALLOWED.find((a) => a.origin === parsed.origin);
      expect(rule, url).toBeDefined();
      expect(rule?.paths, url).toContain(parsed.pathname);
      for (const target of TARGETS) expect(decodeURIComponent(url)).not.toContain(target);
      expect(redirect, `${url} must not follow redirects`).toBe("manual");
    }
  }, 120_000);
});
