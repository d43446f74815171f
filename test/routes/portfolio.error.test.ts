import { describe, expect, it } from "vitest";
import { ingest } from "../fixtures/market";
import { expectError, json } from "../helpers";
import { send } from "../key-helpers";
import { closeWith, freshSymbol, openOk, openWith, POSITIONS, reconcile, trader } from "../portfolio-helpers";

describe("portfolio: refused opens", () => {
  it("lists each problem of a malformed body in validation_error details", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("10");
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ symbol, size: 0.5, type: "long" }, "body.size"],
      [{ symbol, size: "0", type: "long" }, "body.size"],
      [{ symbol, size: "0.000", type: "long" }, "body.size"],
      [{ symbol, size: "-1", type: "long" }, "body.size"],
      [{ symbol, size: "1e3", type: "long" }, "body.size"],
      [{ symbol, size: "01", type: "long" }, "body.size"],
      [{ symbol, size: `1.${"1".repeat(19)}`, type: "long" }, "body.size"],
      [{ symbol, size: "1".repeat(16), type: "long" }, "body.size"],
      [{ symbol, size: "1", type: "buy" }, "body.type"],
      [{ symbol, size: "1" }, "body.type"],
      [{ symbol: "btc-usdt", size: "1", type: "long" }, "body.symbol"],
      [{ size: "1", type: "long" }, "body.symbol"],
      [{ symbol, size: "1", type: "long", leverage: 0 }, "body.leverage"],
      [{ symbol, size: "1", type: "long", leverage: 21 }, "body.leverage"],
      [{ symbol, size: "1", type: "long", leverage: 1.5 }, "body.leverage"],
      [{ symbol, size: "1", type: "long", leverage: "abc" }, "body.leverage"],
      [{ symbol, size: "1", type: "long", leverage: "05" }, "body.leverage"],
      [{ symbol, size: "1", type: "long", leverage: null }, "body.leverage"],
    ];
    for (const [body, path] of cases) {
      const error = await expectError(await openWith(headers, body), 400, "validation_error");
      const paths = (error.details.issues as Array<{ path: string }>).map((i) => i.path);
      expect(paths, JSON.stringify(body)).toContain(path);
    }
    await expectError(
      await send("POST", POSITIONS, { ...headers, "content-type": "application/json" }, undefined, { body: "{oops" }),
      400,
      "validation_error",
    );
    await expectError(
      await send("POST", POSITIONS, { ...headers, "content-type": "application/json" }, undefined, { body: "[]" }),
      400,
      "validation_error",
    );
    expect((await reconcile(userId)).rows).toHaveLength(0);
  });

  it("accepts leverage as a JSON number or a numeric string", async () => {
    const { headers } = await trader();
    const symbol = await freshSymbol("10");
    for (const leverage of [1, "1", 20, "20", "7"]) {
      const id = await openOk(headers, { symbol, size: "1", type: "long", leverage });
      expect((await json(await send("GET", `${POSITIONS}/${id}`, headers))).leverage).toBe(Number(leverage));
    }
  });

  it("answers MARKET_001 for an unknown symbol and for one without a price", async () => {
    const { userId, headers } = await trader();
    const error = await expectError(
      await openWith(headers, { symbol: "NOPE-USDT", size: "1", type: "long" }),
      404,
      "MARKET_001",
    );
    expect(error.details.symbol).toBe("NOPE-USDT");
    // A symbol known only from an order book has no price yet.
    const symbol = `B${crypto.randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}-USDT`;
    const book = await ingest({
      exchange: "binance",
      orderbooks: [{ symbol, bids: [["9", "1"]], asks: [["11", "1"]], timestamp: new Date().toISOString() }],
    });
    expect(book.body.accepted).toBe(1);
    await expectError(await openWith(headers, { symbol, size: "1", type: "long" }), 404, "MARKET_001");
    expect((await reconcile(userId)).rows.filter((r) => r.kind !== "deposit")).toHaveLength(0);
  });

  it("answers PORT_001 with what was required and available when the margin does not fit", async () => {
    const { headers } = await trader();
    const symbol = await freshSymbol("50000");
    // 2.5 × 50000 / 1 = 125000 > 100000; at 2× it is 62500 and fits.
    const error = await expectError(await openWith(headers, { symbol, size: "2.5", type: "long" }), 422, "PORT_001");
    expect(error.details).toEqual({ required: "125000.00", available: "100000.00" });
    expect(error.message).toBe("The margin of 125000.00 USDT exceeds the available 100000.00 USDT.");
    await openOk(headers, { symbol, size: "2.5", type: "long", leverage: 2 });
    const second = await expectError(
      await openWith(headers, { symbol, size: "2.5", type: "short", leverage: 2 }),
      422,
      "PORT_001",
    );
    expect(second.details).toEqual({ required: "62500.00", available: "37500.00" });
  });

  it("answers PORT_002 when one position alone exceeds the symbol's notional cap", async () => {
    const { headers } = await trader();
    const symbol = await freshSymbol("100000");
    // 10.00000001 × 100000 = 1000000.001 > 1,000,000 (margin at 20× would fit: 50000.00005)
    const error = await expectError(
      await openWith(headers, { symbol, size: "10.00000001", type: "long", leverage: 20 }),
      422,
      "PORT_002",
    );
    expect(error.details).toMatchObject({ reason: "symbol_notional", limit: "1000000.00", current: "0.00" });
    expect((await openWith(headers, { symbol, size: "10", type: "long", leverage: 20 })).status).toBe(201);
  });
});

describe("portfolio: refused closes and reads", () => {
  it("answers 409 conflict when closing a closed position, and keeps the books unchanged", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("10");
    const id = await openOk(headers, { symbol, size: "1", type: "long" });
    expect((await closeWith(headers, id)).status).toBe(200);
    const before = await reconcile(userId);
    const error = await expectError(await closeWith(headers, id), 409, "conflict");
    expect(error.details).toEqual({ position_id: id, status: "closed", reason: "position_closed" });
    expect((await reconcile(userId)).rows).toHaveLength(before.rows.length);
  });

  it("refuses malformed position ids, statuses and cursors with 400", async () => {
    const { headers } = await trader();
    await expectError(await closeWith(headers, "pos_123"), 400, "validation_error");
    await expectError(await send("GET", `${POSITIONS}/abc`, headers), 400, "validation_error");
    await expectError(await send("GET", `${POSITIONS}?status=all`, headers), 400, "validation_error");
    await expectError(await send("GET", `${POSITIONS}?limit=0`, headers), 400, "validation_error");
    await expectError(await send("GET", `${POSITIONS}?limit=1001`, headers), 400, "validation_error");
    await expectError(await send("GET", `${POSITIONS}?cursor=nonsense`, headers), 400, "validation_error");
    // A cursor of the open list is not one of the closed list.
    const symbol = await freshSymbol("10");
    await openOk(headers, { symbol, size: "1", type: "long" });
    await openOk(headers, { symbol, size: "1", type: "long" });
    const page = await json(await send("GET", `${POSITIONS}?limit=1`, headers));
    expect(page.next_cursor).toEqual(expect.any(String));
    await expectError(
      await send("GET", `${POSITIONS}?status=closed&cursor=${encodeURIComponent(page.next_cursor)}`, headers),
      400,
      "validation_error",
    );
  });
});
