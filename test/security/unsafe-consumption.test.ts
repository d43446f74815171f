/**
 * OWASP API10:2023 Unsafe consumption of APIs. Answers of the upstream exchange and of Solana
 * RPC, and webhook deliveries, are input like any client's: a redirect, an endless body, the
 * wrong shape or hostile values end in a clean 502 MARKET_002 (reads), a logged failure that
 * moves no cursor (cron), or a per-item refusal (webhook) — never a 5xx, a hang or a partial write.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { readPrice } from "../../src/db/market-prices";
import { MAX_UPSTREAM_BODY_BYTES } from "../../src/lib/upstream-http";
import { pullSolanaRpc } from "../../src/services/solana/rpc-pull";
import { candleItems, realCandles } from "../fixtures/candles";
import { EXCHANGE_URL } from "../fixtures/exchange";
import { ingest } from "../fixtures/market";
import { deliver, heliusTx, monitor, newAddress, newSignature, WEBHOOK_SECRET } from "../fixtures/solana";
import { RPC_URL } from "../fixtures/solana-rpc";
import { BASE, call, expectError } from "../helpers";

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A body that never ends: 1 MiB chunks for as long as someone reads. */
function endless(): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(1024 * 1024).fill(0x20);
  return new ReadableStream({
    pull(controller) {
      controller.enqueue(chunk);
    },
  });
}

/** Hostile answers an upstream can give, each a fresh Response. */
const HOSTILE: Record<string, () => Response> = {
  "a redirect to another host": () =>
    new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" } }),
  "an endless body": () => new Response(endless(), { headers: { "content-type": "application/json" } }),
  "a declared size over the cap": () =>
    new Response("{}", { headers: { "content-length": String(MAX_UPSTREAM_BODY_BYTES + 1) } }),
  "HTML instead of JSON": () => new Response("<html>maintenance</html>"),
  "JSON null": () => Response.json(null),
  "a JSON array": () => Response.json([1, 2, 3]),
  "a JSON string": () => Response.json("price"),
  "a price that is not a decimal": () => Response.json({ symbol: "X", price: "NaN" }),
  "a negative price": () => Response.json({ symbol: "X", price: "-1.5" }),
  "a price in exponent notation": () => Response.json({ symbol: "X", price: "1e309" }),
  "a numeric price": () => Response.json({ symbol: "X", price: 101.5 }),
  "a zero price": () => Response.json({ symbol: "X", price: "0.000" }),
};

describe("unsafe consumption: the upstream exchange", () => {
  const upstreamEnv = { ...env, MARKET_UPSTREAM_URL: EXCHANGE_URL } as Env;
  const symbols = Object.keys(HOSTILE).map((_, i) => `UNSAFE${i}-USDT`);

  beforeAll(async () => {
    // Old candles: every read of these symbols asks the exchange for a fresh price.
    const candles = realCandles("SOL-USDT", "1h").slice(0, 24);
    for (const symbol of symbols) await ingest({ exchange: "binance", candles: candleItems(symbol, "1h", candles) });
  });

  it("answers every hostile exchange answer with 502 MARKET_002, follows nothing and keeps the stored price", async () => {
    const app = createApp();
    const outbound: string[] = [];
    let answer: () => Response = () => Response.json({});
    vi.stubGlobal("fetch", async (input: RequestInfo | URL) => {
      outbound.push(input instanceof Request ? input.url : String(input));
      return answer();
    });
    const background: Promise<void>[] = []; // audit and metrics, awaited once at the end
    for (const [i, [label, hostile]] of Object.entries(HOSTILE).entries()) {
      const symbol = symbols[i] as string;
      const before = await readPrice(env.DB, symbol);
      answer = hostile;
      const ctx = createExecutionContext();
      const res = await app.request(`${BASE}/api/v1/market/price/${symbol}`, {}, upstreamEnv, ctx);
      background.push(waitOnExecutionContext(ctx));
      const error = await expectError(res, 502, "MARKET_002").catch((err) => {
        throw new Error(`${label}: ${err.message}`);
      });
      expect(error.message, label).not.toContain("exchange.test");
      expect(await readPrice(env.DB, symbol), label).toEqual(before);
    }
    await Promise.all(background);
    expect(outbound).toHaveLength(Object.keys(HOSTILE).length);
    for (const url of outbound) expect(url.startsWith(`${EXCHANGE_URL}/api/v3/`), url).toBe(true);
  }, 60_000);
});

describe("unsafe consumption: Solana JSON-RPC", () => {
  const rpcEnv = { ...env, SOLANA_RPC_URL: RPC_URL } as Env;
  const rpcAnswers: Record<string, () => Response> = {
    ...HOSTILE,
    "a JSON-RPC result that is not a list": () => Response.json({ jsonrpc: "2.0", id: 1, result: { not: "a list" } }),
    "a null entry": () => Response.json({ jsonrpc: "2.0", id: 1, result: [null] }),
    "a numeric signature": () =>
      Response.json({ jsonrpc: "2.0", id: 1, result: [{ signature: 5, slot: 1, err: null }] }),
    "a signature of the wrong size": () =>
      Response.json({ jsonrpc: "2.0", id: 1, result: [{ signature: "abc", slot: 1, err: null }] }),
    "a valid entry beside a hostile one": () =>
      Response.json({
        jsonrpc: "2.0",
        id: 1,
        result: [
          { signature: newSignature(), slot: 1, err: null },
          { signature: { $gt: "" }, slot: 2, err: null },
        ],
      }),
  };

  beforeEach(async () => {
    await env.DB.batch([
      env.DB.prepare("DELETE FROM solana_monitors"),
      env.DB.prepare("UPDATE solana_tokens SET update_interval = NULL"),
    ]);
  });

  it("fails the token on every hostile RPC answer: nothing stored, its cursor unmoved, no 5xx anywhere", async () => {
    for (const [label, hostile] of Object.entries(rpcAnswers)) {
      const mint = newAddress();
      await monitor([mint]);
      const requests: string[] = [];
      vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
        requests.push(`${input instanceof Request ? input.url : String(input)} ${init?.redirect}`);
        return hostile();
      });
      const report = await pullSolanaRpc(rpcEnv, Date.now());
      expect(report, label).toMatchObject({ failures: 1, tokens: 0, transfers: 0 });
      expect(requests, label).toEqual([`${RPC_URL} manual`]);
      const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM solana_transfers WHERE mint = ?1")
        .bind(mint)
        .first<{ n: number }>();
      expect(stored?.n, label).toBe(0);
      const cursor = await env.DB.prepare(
        "SELECT rpc_last_signature, rpc_before, rpc_top FROM solana_tokens WHERE token_address = ?1",
      )
        .bind(mint)
        .first();
      expect(cursor, label).toEqual({ rpc_last_signature: null, rpc_before: null, rpc_top: null });
      await env.DB.batch([
        env.DB.prepare("DELETE FROM solana_monitors"),
        env.DB.prepare("UPDATE solana_tokens SET update_interval = NULL"),
      ]);
    }
  }, 60_000);
});

describe("unsafe consumption: webhook deliveries", () => {
  it("refuses hostile items one by one and stores exactly the valid one, without polluting prototypes", async () => {
    const mint = newAddress();
    const valid = heliusTx({
      time: Date.now() - 60_000,
      transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 12.5 }],
    });
    const hostileTx = (patch: Record<string, unknown>) => ({
      ...heliusTx({ time: Date.now() - 60_000, transfers: [] }),
      ...patch,
    });
    const transfer = (patch: Record<string, unknown>) => ({
      fromUserAccount: newAddress(),
      toUserAccount: newAddress(),
      mint,
      tokenAmount: 1,
      ...patch,
    });
    const raw = JSON.stringify([
      valid,
      hostileTx({ tokenTransfers: [transfer({ tokenAmount: -5 })] }),
      hostileTx({ tokenTransfers: [transfer({ tokenAmount: "1e400" })] }),
      hostileTx({ tokenTransfers: [transfer({ tokenAmount: "NaN" })] }),
      hostileTx({ tokenTransfers: [transfer({ mint: "'; DROP TABLE solana_transfers; --" })] }),
      hostileTx({ tokenTransfers: [transfer({ fromUserAccount: { $ne: null } })] }),
      hostileTx({ tokenTransfers: "not a list" }),
      hostileTx({ signature: "x".repeat(88) }),
      hostileTx({ timestamp: 1e20 }),
      hostileTx({ timestamp: -1 }),
      { type: "PRICE", mint, price_usd: "1e999", timestamp: Math.floor(Date.now() / 1000) },
      { type: "PRICE", mint, price_usd: -1, timestamp: Math.floor(Date.now() / 1000) },
      null,
      "a string",
      42,
      [valid],
    ]).replace('"description":""', '"__proto__":{"polluted":true},"description":""');
    const res = await deliver(JSON.parse(raw));
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
    const rows = await env.DB.prepare("SELECT signature, amount FROM solana_transfers WHERE mint = ?1")
      .bind(mint)
      .all<{ signature: string; amount: string }>();
    expect(rows.results).toEqual([{ signature: valid.signature, amount: "12.5" }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 60_000);

  it("answers a non-array or broken body with a 400 envelope, a deeply nested item with a refusal, and stores nothing", async () => {
    const count = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM solana_transfers").first<{ n: number }>())?.n;
    const before = await count();
    for (const body of ['{"0": {}}', "", "[1,", "\u0000", '"[]"']) {
      const res = await fetchRaw(body);
      const error = await expectError(res, 400, "validation_error").catch((err) => {
        throw new Error(`${JSON.stringify(body)}: ${err.message}`);
      });
      expect(error.request_id).toMatch(/^req_/);
    }
    const deep = await fetchRaw(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expect(deep.status).toBe(202);
    expect(await deep.json()).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] });
    expect(await count()).toBe(before);
  }, 60_000);
});

/** POSTs a raw body to the webhook with the secret. */
function fetchRaw(body: string): Promise<Response> {
  return call("/api/v1/ingest/solana", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: WEBHOOK_SECRET },
    body,
  });
}
