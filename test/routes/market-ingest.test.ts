import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { asHistory, candleItems, realCandles, realSlice } from "../fixtures/candles";
import { get, ingest } from "../fixtures/market";
import { authHeader, call, expectError } from "../helpers";

const DAY = 86_400_000;

async function storedCount(symbol: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM market_candles WHERE symbol = ?1")
    .bind(symbol)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("POST /api/v1/market/ingest: happy path", () => {
  it("round-trips ingested candles exactly through price and history", async () => {
    // The last 40 real BTC-USDT days, including a high written "91810.0" (kept as written).
    const rows = realCandles("BTC-USDT", "1d").slice(-40);
    expect(rows.some((c) => c.high === "91810.0")).toBe(true);
    const res = await ingest({ exchange: "binance", candles: candleItems("BTC-USDT", "1d", rows) });
    expect(res).toEqual({ status: 202, body: { accepted: 40, rejected: [] } });

    const history = await get("/api/v1/market/history/BTC-USDT?interval=1d&limit=40");
    expect(history.status).toBe(200);
    expect(history.body).toEqual({ symbol: "BTC-USDT", interval: "1d", data: rows.map(asHistory), next_cursor: null });

    const last = rows[rows.length - 1];
    const price = await get("/api/v1/market/price/BTC-USDT");
    expect(price).toEqual({
      status: 200,
      body: {
        symbol: "BTC-USDT",
        price: last?.close,
        // A daily close is the price at the end of its day.
        timestamp: new Date((last?.open_time ?? 0) + DAY).toISOString(),
        volume: last?.volume,
        exchange: "binance",
      },
    });
  });

  it("replaces a re-sent candle instead of duplicating it", async () => {
    const rows = realCandles("SOL-USDT", "1d").slice(100, 130);
    await ingest({ exchange: "binance", candles: candleItems("SOL-USDT", "1d", rows) });
    const again = await ingest({ exchange: "binance", candles: candleItems("SOL-USDT", "1d", rows) });
    expect(again.body).toEqual({ accepted: 30, rejected: [] });
    expect(await storedCount("SOL-USDT")).toBe(30);

    // A correction of one candle (hand-made values) replaces the stored one.
    const first = rows[0];
    if (!first) throw new Error("no rows");
    const corrected = { ...candleItems("SOL-USDT", "1d", [first])[0], high: "9.5", volume: "1" };
    expect((await ingest({ exchange: "okx", candles: [corrected] })).body).toEqual({ accepted: 1, rejected: [] });
    expect(await storedCount("SOL-USDT")).toBe(30);
    const start = new Date(first.open_time).toISOString();
    const page = await get(`/api/v1/market/history/SOL-USDT?interval=1d&start=${start}&limit=1`);
    expect(page.body.data).toEqual([{ ...asHistory(first), high: "9.5", volume: "1" }]);
  });

  it("makes a new symbol and its price visible at once, even right after a 404 was served", async () => {
    await expectError(await call("/api/v1/market/price/NEW-USDT"), 404, "MARKET_001");
    const rows = realCandles("ETH-USDT", "1d").slice(0, 2);
    await ingest({ exchange: "binance", candles: candleItems("NEW-USDT", "1d", rows) });
    expect((await get("/api/v1/market/price/NEW-USDT")).body.price).toBe(rows[1]?.close);
    // A newer candle replaces the price this isolate just served.
    await ingest({
      exchange: "binance",
      candles: candleItems("NEW-USDT", "1d", realCandles("ETH-USDT", "1d").slice(2, 3)),
    });
    expect((await get("/api/v1/market/price/NEW-USDT")).body.price).toBe(realCandles("ETH-USDT", "1d")[2]?.close);
  });

  it("lets the later duplicate win within one request", async () => {
    const [a] = candleItems("DUP-USDT", "1h", [
      { open_time: Date.parse("2025-01-01T00:00:00Z"), open: "1", high: "2", low: "1", close: "1.5", volume: "10" },
    ]);
    const res = await ingest({ exchange: "binance", candles: [a, { ...a, close: "1.75" }] });
    expect(res.body).toEqual({ accepted: 2, rejected: [] });
    expect(await storedCount("DUP-USDT")).toBe(1);
    expect((await get("/api/v1/market/price/DUP-USDT")).body.price).toBe("1.75");
  });

  it("moves the price to the newest trade and never back to older data", async () => {
    const rows = realSlice("ETH-USDT", "1h", Date.parse("2025-03-01T00:00:00Z"), Date.parse("2025-03-01T06:00:00Z"));
    await ingest({ exchange: "binance", candles: candleItems("ETH-USDT", "1h", rows) });
    const last = rows[rows.length - 1];
    expect((await get("/api/v1/market/price/ETH-USDT")).body.price).toBe(last?.close);

    // A trade at the close of the last hour, at that hour's close price (real), takes over.
    const tradeTime = new Date((last?.open_time ?? 0) + 3_600_000 + 1000).toISOString();
    await ingest({
      exchange: "binance",
      trades: [{ symbol: "ETH-USDT", price: last?.close, size: "0.5", timestamp: tradeTime }],
    });
    const price = (await get("/api/v1/market/price/ETH-USDT")).body;
    expect(price).toMatchObject({ price: last?.close, volume: "0.5", timestamp: new Date(tradeTime).toISOString() });

    // Back-filling older candles does not move the live price backwards.
    const older = realSlice("ETH-USDT", "1h", Date.parse("2025-02-01T00:00:00Z"), Date.parse("2025-02-01T03:00:00Z"));
    await ingest({ exchange: "binance", candles: candleItems("ETH-USDT", "1h", older) });
    expect((await get("/api/v1/market/price/ETH-USDT")).body).toEqual(price);
  });

  it("stores order books sorted, whatever order the levels came in", async () => {
    const res = await ingest({
      exchange: "binance",
      orderbooks: [
        {
          symbol: "BOOK-USDT",
          bids: [
            ["99.5", "2"],
            ["100", "1"],
            ["98", "3"],
          ],
          asks: [
            ["101.25", "4"],
            ["100.5", "1.5"],
          ],
          timestamp: "2025-06-01T12:00:00Z",
        },
      ],
    });
    expect(res.body).toEqual({ accepted: 1, rejected: [] });
    // A book alone creates the symbol, but gives it no price.
    const noPrice = await expectError(await call("/api/v1/market/price/BOOK-USDT"), 404, "MARKET_001");
    expect(noPrice.details).toEqual({ symbol: "BOOK-USDT", reason: "no_price" });
    const book = await get("/api/v1/market/orderbook/BOOK-USDT?depth=2");
    expect(book.body).toEqual({
      symbol: "BOOK-USDT",
      bids: [
        ["100", "1"],
        ["99.5", "2"],
      ],
      asks: [
        ["100.5", "1.5"],
        ["101.25", "4"],
      ],
      timestamp: "2025-06-01T12:00:00.000Z",
    });
  });
});

describe("POST /api/v1/market/ingest: errors", () => {
  it("stores the valid items and lists each invalid one with its reason", async () => {
    const [good] = candleItems("MIX-USDT", "1h", [
      { open_time: Date.parse("2025-01-01T00:00:00Z"), open: "1", high: "2", low: "0.5", close: "1.5", volume: "10" },
    ]);
    const future = new Date(Date.now() + 3_600_000 * 24).toISOString().replace(/T.*/, "T00:00:00Z");
    const res = await ingest({
      exchange: "binance",
      candles: [
        good,
        { ...good, symbol: "mix_usdt" },
        { ...good, interval: "2h" },
        { ...good, timestamp: "2025-01-01T00:30:00Z" },
        { ...good, high: "1.2" },
        { ...good, low: "1.2" },
        { ...good, open: 1 },
        { ...good, open: "1e3" },
        { ...good, timestamp: future },
        { ...good, timestamp: "2025-02-30T00:00:00Z" },
        { ...good, extra: "x" },
        { ...good, close: "0" },
        "not an object",
      ],
      trades: [
        { symbol: "MIX-USDT", price: "1.5", size: "0", timestamp: "2025-01-01T00:10:00Z" },
        { symbol: "MIX-USDT", price: "-1", size: "1", timestamp: "2025-01-01T00:10:00Z" },
      ],
      orderbooks: [
        { symbol: "MIX-USDT", bids: [["2", "1"]], asks: [["1.5", "1"]], timestamp: "2025-01-01T00:10:00Z" },
        {
          symbol: "MIX-USDT",
          bids: [
            ["1", "1"],
            ["1.0", "2"],
          ],
          asks: [],
          timestamp: "2025-01-01T00:10:00Z",
        },
      ],
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    const reasons = Object.fromEntries(
      res.body.rejected.map((r: { index: number; kind: string; reason: string }) => [`${r.kind}:${r.index}`, r.reason]),
    );
    expect(Object.keys(reasons).sort()).toEqual(
      [
        ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) => `candle:${i}`),
        "orderbook:0",
        "orderbook:1",
        "trade:0",
        "trade:1",
      ].sort(),
    );
    expect(reasons["candle:1"]).toMatch(/^symbol: must look like BTC-USDT/);
    expect(reasons["candle:2"]).toMatch(/^interval:/);
    expect(reasons["candle:3"]).toMatch(/aligned/);
    expect(reasons["candle:4"]).toMatch(/^high:/);
    expect(reasons["candle:5"]).toMatch(/^low:/);
    expect(reasons["candle:6"]).toMatch(/^open:/);
    expect(reasons["candle:7"]).toMatch(/^open: must be a non-negative decimal string/);
    expect(reasons["candle:8"]).toMatch(/future/);
    expect(reasons["candle:9"]).toMatch(/^timestamp:/);
    expect(reasons["candle:10"]).toMatch(/extra/);
    expect(reasons["candle:11"]).toMatch(/above 0/);
    expect(reasons["trade:0"]).toMatch(/^size:/);
    expect(reasons["trade:1"]).toMatch(/^price:/);
    expect(reasons["orderbook:0"]).toMatch(/crossed/);
    expect(reasons["orderbook:1"]).toMatch(/appears twice/);

    expect(await storedCount("MIX-USDT")).toBe(1);
    expect((await get("/api/v1/market/history/MIX-USDT?interval=1h")).body.data).toEqual([
      { timestamp: "2025-01-01T00:00:00.000Z", open: "1", high: "2", low: "0.5", close: "1.5", volume: "10" },
    ]);
    await expectError(await call("/api/v1/market/orderbook/MIX-USDT"), 404, "not_found");
  });

  it("refuses a malformed body with 400 and writes nothing", async () => {
    const headers = { ...(await authHeader("admin")), "content-type": "application/json" };
    const post = (body: string) => call("/api/v1/market/ingest", { method: "POST", headers, body });
    const [candle] = candleItems("BAD-USDT", "1d", realCandles("BTC-USDT", "1d").slice(0, 1));
    const cases: Array<[string, string]> = [
      ["{not json", "body"],
      [JSON.stringify([candle]), "body"],
      [JSON.stringify({ candles: [candle] }), "body.exchange"],
      [JSON.stringify({ exchange: "Binance!", candles: [candle] }), "body.exchange"],
      [JSON.stringify({ exchange: "binance", candles: candle }), "body.candles"],
      [JSON.stringify({ exchange: "binance", candle: [candle] }), "body"],
      [JSON.stringify({ exchange: "binance" }), "body"],
      [JSON.stringify({ exchange: "binance", candles: Array.from({ length: 10_001 }, () => ({})) }), "body.candles"],
    ];
    for (const [body, path] of cases) {
      const error = await expectError(await post(body), 400, "validation_error");
      const paths = (error.details.issues as Array<{ path: string }>).map((i) => i.path);
      expect(paths, body.slice(0, 60)).toContain(path);
    }
    expect(await storedCount("BAD-USDT")).toBe(0);
  });

  it("writes nothing at all when storing fails part-way (one transaction)", async () => {
    // A database-side failure on the price write, after the candles statement ran.
    await env.DB.exec(
      "CREATE TRIGGER fail_atomic BEFORE INSERT ON market_prices WHEN NEW.symbol = 'ATOM-USDT' BEGIN SELECT RAISE(ABORT, 'simulated failure'); END",
    );
    try {
      const rows = realCandles("SOL-USDT", "1d").slice(0, 5);
      const res = await call("/api/v1/market/ingest", {
        method: "POST",
        headers: { ...(await authHeader("admin")), "content-type": "application/json" },
        body: JSON.stringify({ exchange: "binance", candles: candleItems("ATOM-USDT", "1d", rows) }),
      });
      const error = await expectError(res, 500, "internal_error");
      expect(error.message).not.toMatch(/simulated|market_|INSERT/);
      expect(await storedCount("ATOM-USDT")).toBe(0);
      await expectError(await call("/api/v1/market/price/ATOM-USDT"), 404, "MARKET_001");
    } finally {
      await env.DB.exec("DROP TRIGGER fail_atomic");
    }
  });
});

describe("POST /api/v1/market/ingest: security", () => {
  const body = JSON.stringify({
    exchange: "binance",
    candles: candleItems("SEC-USDT", "1d", realCandles("BTC-USDT", "1d").slice(0, 1)),
  });

  it("refuses anonymous callers with 401 unauthorized", async () => {
    const res = await call("/api/v1/market/ingest", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await expectError(res, 401, "unauthorized");
  });

  it("refuses developers and traders (no write:ingest) with 403 forbidden and stores nothing", async () => {
    for (const role of ["developer", "trader"] as const) {
      const res = await call("/api/v1/market/ingest", {
        method: "POST",
        headers: { ...(await authHeader(role)), "content-type": "application/json" },
        body,
      });
      const error = await expectError(res, 403, "forbidden");
      expect(error.details.required_scopes).toEqual(["write:ingest"]);
    }
    expect(await storedCount("SEC-USDT")).toBe(0);
  });

  it("refuses a forged token with 401 invalid_token", async () => {
    const res = await call("/api/v1/market/ingest", {
      method: "POST",
      headers: { Authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "content-type": "application/json" },
      body,
    });
    await expectError(res, 401, "invalid_token");
  });

  it("treats SQL in a symbol as data: the item is refused, the tables are intact", async () => {
    const evil = "BTC-USDT'); DROP TABLE market_candles; --";
    const [item] = candleItems(evil, "1d", realCandles("BTC-USDT", "1d").slice(0, 1));
    const res = await ingest({ exchange: "binance", candles: [item] });
    expect(res.body.accepted).toBe(0);
    expect(res.body.rejected[0].reason).toMatch(/^symbol:/);
    expect(await storedCount("BTC-USDT")).toBeGreaterThanOrEqual(0);
  });
});
