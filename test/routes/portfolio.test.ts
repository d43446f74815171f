import { describe, expect, it } from "vitest";
import { json } from "../helpers";
import { send } from "../key-helpers";
import {
  BALANCE,
  balanceOf,
  closeWith,
  freshSymbol,
  openOk,
  POSITIONS,
  reconcile,
  setPrice,
  trader,
  units,
} from "../portfolio-helpers";

// Expected amounts below were worked out by hand (and checked with Python's decimal module).

describe("portfolio: balance", () => {
  it("opens a new account with the starting balance on first access", async () => {
    const { userId, headers } = await trader();
    const body = await balanceOf(headers);
    expect(body).toEqual({
      currency: "USDT",
      balance: "100000.00",
      available: "100000.00",
      margin_used: "0.00",
      unrealized_pnl: "0.00",
      equity: "100000.00",
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const books = await reconcile(userId);
    expect(books.rows.map((r) => r.kind)).toEqual(["deposit"]);
    // A second read does not deposit again.
    await balanceOf(headers);
    expect((await reconcile(userId)).rows).toHaveLength(1);
  });
});

describe("portfolio: open, mark to market, close", () => {
  it("values a long and a short exactly to the cent as the price moves, at any leverage", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("65432.10");
    const longId = await openOk(headers, { symbol, size: "0.5", type: "long" });
    const shortId = await openOk(headers, { symbol, size: "1.25", type: "short", leverage: 10 });

    // Margins: 0.5 × 65432.10 / 1 = 32716.05; 1.25 × 65432.10 / 10 = 8179.0125
    let balance = await balanceOf(headers);
    expect(balance).toMatchObject({
      balance: "100000.00",
      margin_used: "40895.0625",
      available: "59104.9375",
      unrealized_pnl: "0.00",
    });

    await setPrice(symbol, "66000.55"); // +568.45
    const list = await json(await send("GET", POSITIONS, headers));
    const byId = Object.fromEntries(list.positions.map((p: { position_id: string }) => [p.position_id, p]));
    // long: 568.45 × 0.5 = 284.225; short: −568.45 × 1.25 = −710.5625
    expect(byId[longId]).toMatchObject({
      symbol,
      type: "long",
      size: "0.5",
      leverage: 1,
      entry_price: "65432.10",
      current_price: "66000.55",
      pnl: "284.225",
      margin: "32716.05",
      status: "open",
      closed_at: null,
    });
    expect(byId[shortId]).toMatchObject({
      type: "short",
      size: "1.25",
      leverage: 10,
      current_price: "66000.55",
      pnl: "-710.5625",
      margin: "8179.0125",
      status: "open",
    });
    balance = await balanceOf(headers);
    // 284.225 − 710.5625 = −426.3375
    expect(balance).toMatchObject({ balance: "100000.00", unrealized_pnl: "-426.3375", equity: "99573.6625" });

    await setPrice(symbol, "64000.00"); // −1432.10 from entry
    // long: −1432.10 × 0.5 = −716.05; short: 1432.10 × 1.25 = 1790.125
    const long = await json(await send("GET", `${POSITIONS}/${longId}`, headers));
    expect(long.pnl).toBe("-716.05");
    const short = await json(await send("GET", `${POSITIONS}/${shortId}`, headers));
    expect(short.pnl).toBe("1790.125");
    await reconcile(userId);
  });

  it("closes at the live price, credits the realised PnL and releases the margin", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("2500.40");
    const longId = await openOk(headers, { symbol, size: "3", type: "long", leverage: "4" });
    const shortId = await openOk(headers, { symbol, size: "2", type: "short", leverage: 20 });
    // margins: 3 × 2500.40 / 4 = 1875.30; 2 × 2500.40 / 20 = 250.04
    expect((await balanceOf(headers)).margin_used).toBe("2125.34");

    await setPrice(symbol, "2601.15"); // +100.75
    const closed = await closeWith(headers, longId);
    expect(closed.status).toBe(200);
    const body = await json(closed);
    expect(body).toEqual({
      position_id: longId,
      symbol,
      type: "long",
      size: "3",
      leverage: 4,
      entry_price: "2500.40",
      current_price: "2601.15",
      pnl: "302.25", // 100.75 × 3
      margin: "1875.30",
      status: "closed",
      timestamp: body.closed_at,
      opened_at: expect.any(String),
      closed_at: expect.stringMatching(/Z$/),
    });
    let balance = await balanceOf(headers);
    expect(balance).toMatchObject({ balance: "100302.25", margin_used: "250.04", available: "100052.21" });
    // the short: −100.75 × 2 = −201.50 unrealised
    expect(balance.unrealized_pnl).toBe("-201.50");

    await setPrice(symbol, "2450.00"); // −50.40 from entry: the short gains 100.80
    const shortClosed = await json(await closeWith(headers, shortId));
    expect(shortClosed).toMatchObject({ status: "closed", current_price: "2450.00", pnl: "100.80" });
    balance = await balanceOf(headers);
    expect(balance).toMatchObject({
      balance: "100403.05", // 100000 + 302.25 + 100.80
      margin_used: "0.00",
      available: "100403.05",
      unrealized_pnl: "0.00",
      equity: "100403.05",
    });
    const books = await reconcile(userId);
    expect(books.balance).toBe(units("100000.00") + units("302.25") + units("100.80"));
    expect(books.rows.map((r) => r.kind)).toEqual([
      "deposit",
      "margin_reserved",
      "margin_reserved",
      "margin_released",
      "realized_pnl",
      "margin_released",
      "realized_pnl",
    ]);
  });

  it("keeps balance = starting balance + Σ realised PnL after every step of a trading session", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("100");
    const prices = ["101.37", "99.01", "100.5", "87.333", "120.0001", "150"];
    const sides = ["long", "short"] as const;
    let realised = 0n;
    for (const [i, price] of prices.entries()) {
      const id = await openOk(headers, { symbol, size: "7.77", type: sides[i % 2], leverage: (i % 20) + 1 });
      await setPrice(symbol, price);
      const closed = await json(await closeWith(headers, id));
      realised += units(closed.pnl);
      const balance = await balanceOf(headers);
      expect(units(balance.balance)).toBe(units("100000.00") + realised);
      await reconcile(userId);
    }
    // By hand: each position opens at the previous price, size 7.77, leverage i + 1.
    // long 100 → 101.37: +10.6449; short 101.37 → 99.01: +18.3372; long 99.01 → 100.5: +11.5773;
    // short 100.5 → 87.333: +102.30759; long 87.333 → 120.0001: +253.823367;
    // short 120.0001 → 150 at 6×: −233.099223, capped at its margin 932.400777 / 6 = 155.4001295
    expect(realised).toBe(units("241.2902275"));
  });

  it("caps a leveraged loss at the position's margin so available never goes negative", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("100");
    // 10 × 100 / 20 = 50 margin; spend the rest of the balance with a 1× position.
    const risky = await openOk(headers, { symbol, size: "10", type: "long", leverage: 20 });
    await openOk(headers, { symbol, size: "999.5", type: "short", leverage: 1 }); // margin 99950
    expect((await balanceOf(headers)).available).toBe("0.00");
    await setPrice(symbol, "80"); // the long would lose 200, four times its margin
    expect((await json(await send("GET", `${POSITIONS}/${risky}`, headers))).pnl).toBe("-50.00");
    const closed = await json(await closeWith(headers, risky));
    expect(closed.pnl).toBe("-50.00");
    const balance = await balanceOf(headers);
    expect(balance).toMatchObject({ balance: "99950.00", margin_used: "99950.00", available: "0.00" });
    await reconcile(userId);
  });
});

describe("portfolio: listing", () => {
  it("lists open positions by default and closed ones on request, paged with a cursor", async () => {
    const { headers } = await trader();
    const symbol = await freshSymbol("10");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await openOk(headers, { symbol, size: String(i + 1), type: "long" }));
    for (const id of ids.slice(0, 2)) expect((await closeWith(headers, id)).status).toBe(200);

    const open = await json(await send("GET", POSITIONS, headers));
    expect(open.positions.map((p: { position_id: string }) => p.position_id).sort()).toEqual(ids.slice(2).sort());
    expect(open.next_cursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?status=open&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await json(await send("GET", `${POSITIONS}${query}`, headers));
      expect(page.positions.length).toBeLessThanOrEqual(2);
      seen.push(...page.positions.map((p: { position_id: string }) => p.position_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen)).toEqual(new Set(ids.slice(2)));

    const closed = await json(await send("GET", `${POSITIONS}?status=closed`, headers));
    expect(closed.positions.map((p: { position_id: string }) => p.position_id).sort()).toEqual(ids.slice(0, 2).sort());
    expect(
      closed.positions.every((p: { status: string; pnl: string }) => p.status === "closed" && p.pnl === "0.00"),
    ).toBe(true);
  });

  it("answers an empty list for an account without positions", async () => {
    const { headers } = await trader();
    expect(await json(await send("GET", `${POSITIONS}?status=closed`, headers))).toEqual({
      positions: [],
      next_cursor: null,
    });
  });
});

describe("portfolio: balance route shape", () => {
  it("is readable with an API key holding read:portfolio, without signing", async () => {
    const { createKey } = await import("../key-helpers");
    const { headers } = await trader();
    const key = await createKey(headers, { scopes: ["read:portfolio"] });
    const res = await send("GET", BALANCE, { "X-API-Key": key.api_key });
    expect(res.status).toBe(200);
    expect((await json(res)).balance).toBe("100000.00");
  });
});
