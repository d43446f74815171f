import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FAILURE_THRESHOLD } from "../../src/services/security/auth-failures";
import { callFrom, uniqueIp } from "../audit-helpers";
import { deliver, heliusTx, newAddress, newSignature, pricePoint, WEBHOOK_SECRET } from "../fixtures/solana";
import { authHeader, call, expectError, json } from "../helpers";
import { account, createKey } from "../key-helpers";

interface StoredTransfer {
  mint: string;
  signature: string;
  transfer_index: number;
  slot: number | null;
  block_time: number;
  from_wallet: string | null;
  to_wallet: string | null;
  amount: string;
  source: string;
}

async function transfersOf(mint: string): Promise<StoredTransfer[]> {
  const { results } = await env.DB.prepare(
    `SELECT mint, signature, transfer_index, slot, block_time, from_wallet, to_wallet, amount, source
     FROM solana_transfers WHERE mint = ?1 ORDER BY id`,
  )
    .bind(mint)
    .all<StoredTransfer>();
  return results;
}

async function pricesOf(mint: string) {
  const { results } = await env.DB.prepare(
    "SELECT price_time, price_usd FROM solana_prices WHERE mint = ?1 ORDER BY price_time",
  )
    .bind(mint)
    .all<{ price_time: number; price_usd: string }>();
  return results;
}

const now = () => Math.floor(Date.now() / 1000) * 1000;

afterEach(() => vi.restoreAllMocks());

describe("POST /api/v1/ingest/solana: happy path", () => {
  it("stores every token transfer (mint, from, to, exact amount, signature, slot, time) and price point", async () => {
    const [mint, other, a, b, c] = [newAddress(), newAddress(), newAddress(), newAddress(), newAddress()];
    const time = now() - 60_000;
    const signature = newSignature();
    const res = await deliver([
      heliusTx({
        signature,
        time,
        slot: 312_000_001,
        transfers: [
          { mint, from: a, to: b, amount: 1234.567891 },
          { mint: other, from: b, to: c, amount: 1e-7 },
          { mint, from: c, to: a, amount: "0.000000001" },
        ],
      }),
      pricePoint(mint, 0.0123, time - 1000),
      pricePoint(mint, "41.50", time),
    ]);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const base = { signature, slot: 312_000_001, block_time: time, source: "webhook" };
    expect(await transfersOf(mint)).toEqual([
      { ...base, mint, transfer_index: 0, from_wallet: a, to_wallet: b, amount: "1234.567891" },
      { ...base, mint, transfer_index: 2, from_wallet: c, to_wallet: a, amount: "0.000000001" },
    ]);
    expect(await transfersOf(other)).toEqual([
      { ...base, mint: other, transfer_index: 1, from_wallet: b, to_wallet: c, amount: "0.0000001" },
    ]);
    expect(await pricesOf(mint)).toEqual([
      { price_time: time - 1000, price_usd: "0.0123" },
      { price_time: time, price_usd: "41.5" },
    ]);
  });

  it("a replayed webhook adds nothing", async () => {
    const mint = newAddress();
    const items = [
      heliusTx({ time: now(), transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 10 }] }),
      heliusTx({ time: now(), transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 20 }] }),
      pricePoint(mint, "1.25", now()),
    ];
    expect((await deliver(items)).body).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const before = { transfers: await transfersOf(mint), prices: await pricesOf(mint) };
    expect(before.transfers).toHaveLength(2);

    const replay = await deliver(items);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ accepted: 0, duplicates: 3, rejected: [] });
    expect({ transfers: await transfersOf(mint), prices: await pricesOf(mint) }).toEqual(before);
  });

  it("counts an item repeated within one delivery as a duplicate, and stores it once", async () => {
    const mint = newAddress();
    const tx = heliusTx({ time: now(), transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 7 }] });
    expect((await deliver([tx, tx])).body).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    expect(await transfersOf(mint)).toHaveLength(1);
  });

  it("accepts a partly new retry: only the new transfers are stored", async () => {
    const mint = newAddress();
    const signature = newSignature();
    const first = heliusTx({
      signature,
      time: now(),
      transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 1 }],
    });
    await deliver([first]);
    const grown = {
      ...first,
      tokenTransfers: [...first.tokenTransfers, { ...first.tokenTransfers[0], tokenAmount: 2 }],
    };
    expect((await deliver([grown])).body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await transfersOf(mint)).map((t) => [t.transfer_index, t.amount])).toEqual([
      [0, "1"],
      [1, "2"],
    ]);
  });

  it("accepts failed transactions and transactions without token transfers, storing nothing", async () => {
    const mint = newAddress();
    const failed = {
      ...heliusTx({ time: now(), transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 5 }] }),
      transactionError: { error: "InstructionError" },
    };
    const solOnly = { ...heliusTx({ time: now(), transfers: [] }), tokenTransfers: undefined };
    expect((await deliver([failed, solOnly])).body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await transfersOf(mint)).toEqual([]);
  });

  it("treats mints and burns (an empty side) as transfers without that wallet", async () => {
    const mint = newAddress();
    const holder = newAddress();
    const tx = heliusTx({ time: now(), transfers: [{ mint, from: "", to: holder, amount: 100 }] });
    expect((await deliver([tx])).body.accepted).toBe(1);
    expect(await transfersOf(mint)).toMatchObject([{ from_wallet: null, to_wallet: holder, amount: "100" }]);
  });

  it("also takes a JWT or API-key caller holding write:ingest", async () => {
    const mint = newAddress();
    const res = await call("/api/v1/ingest/solana", {
      method: "POST",
      headers: { ...(await authHeader("admin")), "content-type": "application/json" },
      body: JSON.stringify([pricePoint(mint, 2, now())]),
    });
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  });
});

describe("POST /api/v1/ingest/solana: API keys", () => {
  it("takes an API key holding write:ingest, as X-API-Key or as a bearer token", async () => {
    const admin = await account("admin");
    const key = await createKey(admin.headers, { name: "helius relay", scopes: ["write:ingest"] });
    const mint = newAddress();
    const body = JSON.stringify([pricePoint(mint, 3, now() - 1000), pricePoint(mint, 4, now())]);
    const ways: Array<Record<string, string>> = [
      { "x-api-key": key.api_key },
      { authorization: `Bearer ${key.api_key}` },
    ];
    for (const headers of ways) {
      const res = await call("/api/v1/ingest/solana", {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body,
      });
      expect(res.status).toBe(202);
    }
    expect(await pricesOf(mint)).toHaveLength(2);
  });

  it("refuses an API key without write:ingest (403) and an unknown one (401)", async () => {
    const admin = await account("admin");
    const reader = await createKey(admin.headers, { name: "reader", scopes: ["read:tokens"] });
    const post = (headers: Record<string, string>) =>
      call("/api/v1/ingest/solana", {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: "[]",
      });
    await expectError(await post({ "x-api-key": reader.api_key }), 403, "forbidden");
    await expectError(await post({ "x-api-key": `${reader.api_key.slice(0, -2)}zz` }), 401, "invalid_api_key");
  });
});

describe("POST /api/v1/ingest/solana: bad input", () => {
  it("refuses bad items one by one, with index and reason, and stores the rest", async () => {
    const mint = newAddress();
    const good = heliusTx({ time: now(), transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 3 }] });
    const tx = (patch: Record<string, unknown>) => ({ ...heliusTx({ time: now(), transfers: [] }), ...patch });
    const transfer = (patch: Record<string, unknown>) =>
      tx({
        tokenTransfers: [
          { fromUserAccount: newAddress(), toUserAccount: newAddress(), mint, tokenAmount: 1, ...patch },
        ],
      });
    const items = [
      good,
      tx({ signature: "not-a-signature" }),
      tx({ signature: newAddress() }), // 32 bytes: an address, not a signature
      tx({ timestamp: now() }), // milliseconds instead of seconds
      tx({ timestamp: Math.floor(now() / 1000) + 3600 }),
      tx({ timestamp: "1767225600" }),
      transfer({ mint: "0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl" }),
      transfer({ tokenAmount: -1 }),
      transfer({ tokenAmount: "1e5" }),
      transfer({ fromUserAccount: "x".repeat(44) }),
      tx({ tokenTransfers: "nope" }),
      pricePoint(mint, 0, now()),
      pricePoint(mint, "abc", now()),
      pricePoint("bad", 1, now()),
      "a string",
      null,
    ];
    const res = await deliver(items);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.duplicates).toBe(0);
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual(
      Array.from({ length: items.length - 1 }, (_, i) => i + 1),
    );
    const reasons = res.body.rejected.map((r: { reason: string }) => r.reason.split(":")[0]);
    expect(reasons).toEqual([
      "signature",
      "signature",
      "timestamp",
      "timestamp",
      "timestamp",
      "tokenTransfers[0].mint",
      "tokenTransfers[0].tokenAmount",
      "tokenTransfers[0].tokenAmount",
      "tokenTransfers[0].fromUserAccount",
      "tokenTransfers",
      "price_usd",
      "price_usd",
      "mint",
      "item",
      "item",
    ]);
    expect(await transfersOf(mint)).toHaveLength(1);
    expect(await pricesOf(mint)).toEqual([]);
  });

  it("answers 400 when the body is not a JSON array, or holds more than 1000 items", async () => {
    for (const body of [
      '{"signature": "x"}',
      "not json",
      "[1,",
      JSON.stringify(Array.from({ length: 1001 }, () => ({}))),
    ]) {
      const res = await call("/api/v1/ingest/solana", {
        method: "POST",
        headers: { authorization: WEBHOOK_SECRET, "content-type": "application/json" },
        body,
      });
      await expectError(res, 400, "validation_error");
    }
  });

  it("answers 413 for a body over 1 MiB, before parsing it", async () => {
    const res = await call("/api/v1/ingest/solana", {
      method: "POST",
      headers: { authorization: WEBHOOK_SECRET, "content-type": "application/json" },
      body: `[${" ".repeat(1024 * 1024)}]`,
    });
    await expectError(res, 413, "payload_too_large");
  });
});

describe("POST /api/v1/ingest/solana: security", () => {
  it("answers 401 invalid_credentials to a wrong webhook secret and stores nothing", async () => {
    const mint = newAddress();
    const items = [pricePoint(mint, 1, now())];
    const wrong = [`${WEBHOOK_SECRET}x`, WEBHOOK_SECRET.slice(0, -1), WEBHOOK_SECRET.toUpperCase(), "Basic abc"];
    for (const secret of wrong) {
      const { res } = await deliver(items, secret);
      await expectError(res, 401, "invalid_credentials");
    }
    expect(await pricesOf(mint)).toEqual([]);
  });

  it("counts a wrong secret as a failed authentication: a burst blocks the sender's IP", async () => {
    const ip = uniqueIp();
    const post = (authorization: string) =>
      callFrom(ip, "/api/v1/ingest/solana", {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: "[]",
      });
    for (let i = 0; i < FAILURE_THRESHOLD; i++)
      await expectError(await post(`guess-${i}-0123456789abcdef`), 401, "invalid_credentials");
    // Blocked before authentication: even the right secret is refused from that address now.
    await expectError(await post(WEBHOOK_SECRET), 403, "ip_blocked");
    expect(
      (
        await callFrom(uniqueIp(), "/api/v1/ingest/solana", {
          method: "POST",
          headers: { authorization: WEBHOOK_SECRET, "content-type": "application/json" },
          body: "[]",
        })
      ).status,
    ).toBe(202);
  });

  it("answers 401 without credentials and 403 to a caller without write:ingest", async () => {
    const { res } = await deliver([], null);
    await expectError(res, 401, "unauthorized");
    const trader = await call("/api/v1/ingest/solana", {
      method: "POST",
      headers: { ...(await authHeader("trader")), "content-type": "application/json" },
      body: "[]",
    });
    await expectError(trader, 403, "forbidden");
  });

  it("accepts the secret only on the webhook path", async () => {
    const res = await call("/api/v1/anomalies", { headers: { authorization: WEBHOOK_SECRET } });
    await expectError(res, 401, "invalid_token");
    const market = await call("/api/v1/market/ingest", {
      method: "POST",
      headers: { authorization: WEBHOOK_SECRET, "content-type": "application/json" },
      body: JSON.stringify({ exchange: "x", trades: [] }),
    });
    await expectError(market, 401, "invalid_token");
  });

  it("never writes the secret or the delivered body to a log line", async () => {
    const lines: string[] = [];
    for (const method of ["log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    }
    const wallet = newAddress();
    await deliver([
      heliusTx({ time: now(), transfers: [{ mint: newAddress(), from: wallet, to: newAddress(), amount: 1 }] }),
    ]);
    await deliver([pricePoint(newAddress(), 1, now())], "wrong-secret-value");
    expect(lines.length).toBeGreaterThan(0);
    const text = lines.join("\n");
    expect(text).not.toContain(WEBHOOK_SECRET);
    expect(text).not.toContain("wrong-secret-value");
    expect(text).not.toContain(wallet);
  });

  it("counts deliveries against their own webhook rate limit, not the sender's IP", async () => {
    const { res } = await deliver([pricePoint(newAddress(), 1, now())]);
    expect(res.status).toBe(202);
    // RATE_LIMIT_WEBHOOK_PER_MINUTE's default; the test configuration raises only the other tiers.
    expect(res.headers.get("X-RateLimit-Limit")).toBe("1200");
    const anonymous = await call("/api/v1/anomalies");
    expect(anonymous.headers.get("X-RateLimit-Limit")).toBe("100000");
  });
});
