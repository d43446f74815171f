import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectError, json } from "../helpers";
import { send } from "../key-helpers";
import {
  BALANCE,
  balanceOf,
  closeWith,
  freshSymbol,
  openOk,
  openWith,
  reconcile,
  setPrice,
  trader,
} from "../portfolio-helpers";

describe("portfolio under concurrency", () => {
  it("admits exactly the opens that fit among 20 concurrent ones; the rest get PORT_001", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("1000");
    await balanceOf(headers); // the account exists; the race is about spending, not opening it
    // Each needs 15 × 1000 = 15000 margin: 6 fit in 100000 (90000), a 7th would not.
    const results = await Promise.all(
      Array.from({ length: 20 }, () => openWith(headers, { symbol, size: "15", type: "long" })),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(6);
    for (const res of results.filter((r) => r.status !== 201)) {
      const error = await expectError(res, 422, "PORT_001");
      expect(error.details.required).toBe("15000.00");
      expect(["10000.00"]).toContain(error.details.available);
    }
    const ids = await Promise.all(created.map(async (r) => (await json(r)).position_id));
    expect(new Set(ids).size).toBe(6);
    expect(await balanceOf(headers)).toMatchObject({
      balance: "100000.00",
      margin_used: "90000.00",
      available: "10000.00",
    });
    const books = await reconcile(userId); // available ≥ 0 after every ledger row
    expect(books.rows).toHaveLength(7);
  });

  it("deposits the starting balance once when a new account's first requests race", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("50");
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => send("GET", BALANCE, headers)),
      ...Array.from({ length: 4 }, () => openWith(headers, { symbol, size: "1", type: "short" })),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([...Array(8).fill(200), ...Array(4).fill(201)]);
    const books = await reconcile(userId);
    expect(books.rows.filter((r) => r.kind === "deposit")).toHaveLength(1);
    expect(books.balance).toBe(100_000_00000000n);
  });

  it("closes a position once when closes race; the others get 409 and the PnL is booked once", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("200");
    const id = await openOk(headers, { symbol, size: "2", type: "long", leverage: 2 });
    await setPrice(symbol, "210.5");
    const results = await Promise.all(Array.from({ length: 6 }, () => closeWith(headers, id)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const res of results.filter((r) => r.status !== 200)) await expectError(res, 409, "conflict");
    const books = await reconcile(userId);
    expect(books.rows.filter((r) => r.kind === "realized_pnl").map((r) => r.amount)).toEqual(["21.00"]);
    expect((await balanceOf(headers)).balance).toBe("100021.00");
  });

  it("holds the open-positions cap of 50 when 55 opens race", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("3");
    const results = await Promise.all(
      Array.from({ length: 55 }, () => openWith(headers, { symbol, size: "1", type: "long" })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(50);
    for (const res of results.filter((r) => r.status !== 201)) {
      const error = await expectError(res, 422, "PORT_002");
      expect(error.details).toEqual({ reason: "open_positions", limit: 50 });
    }
    const count = await env.DB.prepare(
      "SELECT count(*) AS n FROM portfolio_positions WHERE account_id = ?1 AND status = 'open'",
    )
      .bind(userId)
      .first<{ n: number }>();
    expect(count?.n).toBe(50);
  });

  it("holds the per-symbol notional cap when opens race, and other symbols stay open", async () => {
    const { headers } = await trader();
    const symbol = await freshSymbol("10000");
    const other = await freshSymbol("10000");
    // 10 × 10000 = 100000 notional each (5000 margin at 20×): ten reach the 1,000,000 cap exactly.
    const results = await Promise.all(
      Array.from({ length: 12 }, () => openWith(headers, { symbol, size: "10", type: "short", leverage: 20 })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    for (const res of results.filter((r) => r.status !== 201)) {
      const error = await expectError(res, 422, "PORT_002");
      expect(error.details).toEqual({
        reason: "symbol_notional",
        limit: "1000000.00",
        current: "1000000.00",
        requested: "100000.00",
      });
    }
    expect((await openWith(headers, { symbol: other, size: "10", type: "long", leverage: 20 })).status).toBe(201);
  });
});
