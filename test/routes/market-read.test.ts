import { beforeAll, describe, expect, it } from "vitest";
import { candleItems, realCandles } from "../fixtures/candles";
import { get, ingest } from "../fixtures/market";
import { authHeader, call, expectError, json } from "../helpers";

const ETH_DAYS = realCandles("ETH-USDT", "1d").slice(0, 20);
const SOL_DAYS = realCandles("SOL-USDT", "1d").slice(-5);

beforeAll(async () => {
  const res = await ingest({
    exchange: "binance",
    candles: [...candleItems("ETH-USDT", "1d", ETH_DAYS), ...candleItems("SOL-USDT", "1d", SOL_DAYS)],
  });
  expect(res.body.accepted).toBe(25);
});

describe("GET /api/v1/market/symbols", () => {
  it("lists every symbol with its base, quote, exchange and last price", async () => {
    const res = await get("/api/v1/market/symbols");
    expect(res.status).toBe(200);
    const eth = ETH_DAYS[ETH_DAYS.length - 1];
    const sol = SOL_DAYS[SOL_DAYS.length - 1];
    expect(res.body).toEqual({
      symbols: [
        {
          symbol: "ETH-USDT",
          base: "ETH",
          quote: "USDT",
          exchange: "binance",
          last_price: eth?.close,
          updated_at: new Date((eth?.open_time ?? 0) + 86_400_000).toISOString(),
        },
        {
          symbol: "SOL-USDT",
          base: "SOL",
          quote: "USDT",
          exchange: "binance",
          last_price: sol?.close,
          updated_at: new Date((sol?.open_time ?? 0) + 86_400_000).toISOString(),
        },
      ],
      next_cursor: null,
    });
  });

  it("pages with limit and cursor", async () => {
    const first = await get("/api/v1/market/symbols?limit=1");
    expect(first.body.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["ETH-USDT"]);
    expect(typeof first.body.next_cursor).toBe("string");
    const second = await get(`/api/v1/market/symbols?limit=1&cursor=${first.body.next_cursor}`);
    expect(second.body.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["SOL-USDT"]);
    expect(second.body.next_cursor).toBeNull();
  });

  it("refuses a bad limit or cursor with 400", async () => {
    await expectError(await call("/api/v1/market/symbols?limit=1001"), 400, "validation_error");
    await expectError(await call("/api/v1/market/symbols?limit=0"), 400, "validation_error");
    await expectError(await call("/api/v1/market/symbols?cursor=nope"), 400, "validation_error");
  });
});

describe("GET /api/v1/market/price/{symbol}", () => {
  it("answers anonymous callers and every role holding read:market", async () => {
    const expected = (await get("/api/v1/market/price/SOL-USDT")).body;
    expect(expected.price).toBe(SOL_DAYS[SOL_DAYS.length - 1]?.close);
    for (const role of ["developer", "trader", "admin"] as const) {
      expect(await get("/api/v1/market/price/SOL-USDT", await authHeader(role))).toEqual({
        status: 200,
        body: expected,
      });
    }
  });

  it("answers an unknown symbol with 404 MARKET_001", async () => {
    const error = await expectError(await call("/api/v1/market/price/DOGE-USDT"), 404, "MARKET_001");
    expect(error.details).toEqual({ symbol: "DOGE-USDT" });
  });

  it("refuses a malformed symbol with 400 validation_error", async () => {
    for (const bad of ["btc-usdt", "BTCUSDT", "BTC_USDT", "BTC-USDT-X", `${"A".repeat(21)}-USDT`, "BTC-USDT%27%3B"]) {
      const error = await expectError(await call(`/api/v1/market/price/${bad}`), 400, "validation_error");
      expect(error.details.issues).toEqual([expect.objectContaining({ path: "param.symbol" })]);
    }
  });

  it("refuses bad credentials even on a public route", async () => {
    await expectError(
      await call("/api/v1/market/price/SOL-USDT", { headers: { Authorization: "Bearer not-a-jwt" } }),
      401,
      "invalid_token",
    );
  });
});

describe("GET /api/v1/market/history/{symbol}: validation", () => {
  const base = "/api/v1/market/history/ETH-USDT";

  it.each([
    ["an unknown interval", "?interval=2h", "query.interval"],
    ["start after end", "?interval=1d&start=2024-06-01T00:00:00Z&end=2024-05-20T00:00:00Z", "query.start"],
    ["start equal to end", "?interval=1d&start=2024-06-01T00:00:00Z&end=2024-06-01T00:00:00Z", "query.start"],
    ["limit 5000", "?interval=1d&limit=5000", "query.limit"],
    ["limit 0", "?interval=1d&limit=0", "query.limit"],
    ["a non-numeric limit", "?interval=1d&limit=ten", "query.limit"],
    ["a start that is not ISO 8601", "?interval=1d&start=yesterday", "query.start"],
    ["an impossible date", "?interval=1d&end=2024-02-30", "query.end"],
    ["a garbage cursor", "?interval=1d&cursor=%%%", "query.cursor"],
  ])("refuses %s with 400 validation_error", async (_name, query, path) => {
    const error = await expectError(await call(`${base}${query}`), 400, "validation_error");
    expect((error.details.issues as Array<{ path: string }>).map((i) => i.path)).toContain(path);
  });

  it("refuses a cursor issued for another symbol or interval", async () => {
    const page = await get(`${base}?interval=1d&limit=5`);
    expect(page.body.next_cursor).toEqual(expect.any(String));
    const other = await call(`/api/v1/market/history/SOL-USDT?interval=1d&cursor=${page.body.next_cursor}`);
    await expectError(other, 400, "validation_error");
    await expectError(await call(`${base}?interval=1h&cursor=${page.body.next_cursor}`), 400, "validation_error");
  });

  it("answers an unknown symbol with 404 MARKET_001", async () => {
    await expectError(await call("/api/v1/market/history/XRP-USDT?interval=1d"), 404, "MARKET_001");
  });

  it("answers an empty window of a known symbol with no candles", async () => {
    const res = await get(`${base}?interval=1d&start=2020-01-01&end=2020-02-01`);
    expect(res.body).toEqual({ symbol: "ETH-USDT", interval: "1d", data: [], next_cursor: null });
  });
});

describe("GET /api/v1/market/history/{symbol}: windows and pages", () => {
  const base = "/api/v1/market/history/ETH-USDT?interval=1d";
  const iso = (t: number) => new Date(t).toISOString();

  it("returns the latest limit candles, oldest first, when no start is given", async () => {
    const res = await get(`${base}&limit=3`);
    expect(res.body.data.map((c: { timestamp: string }) => c.timestamp)).toEqual(
      ETH_DAYS.slice(-3).map((c) => iso(c.open_time)),
    );
  });

  it("returns the first limit candles from start, with start and end inclusive", async () => {
    const [a, b, c] = ETH_DAYS.slice(2, 5).map((d) => d.open_time) as [number, number, number];
    const res = await get(`${base}&start=${iso(a)}&end=${iso(c)}`);
    expect(res.body.data.map((d: { timestamp: string }) => d.timestamp)).toEqual([iso(a), iso(b), iso(c)]);
    // A start inside a day begins with the next whole day.
    const later = await get(`${base}&start=${iso(a + 1)}&end=${iso(c)}`);
    expect(later.body.data.map((d: { timestamp: string }) => d.timestamp)).toEqual([iso(b), iso(c)]);
  });

  it("reads bounds before 1970 or after 9999 as the edges of time", async () => {
    const res = await get(`${base}&start=1960-01-01&end=9999-12-31T23:59:59Z&limit=2`);
    expect(res.body.data.map((c: { timestamp: string }) => c.timestamp)).toEqual(
      ETH_DAYS.slice(0, 2).map((c) => iso(c.open_time)),
    );
  });

  it("walks every candle exactly once forward from start, and backward without start", async () => {
    const forward: string[] = [];
    let url = `${base}&start=${iso(ETH_DAYS[0]?.open_time ?? 0)}&limit=6`;
    for (let pages = 0; pages < 10; pages++) {
      const page = (await get(url)).body;
      forward.push(...page.data.map((c: { timestamp: string }) => c.timestamp));
      if (page.next_cursor === null) break;
      url = `${base}&limit=6&cursor=${page.next_cursor}`;
    }
    expect(forward).toEqual(ETH_DAYS.map((c) => iso(c.open_time)));

    const backward: string[][] = [];
    url = `${base}&limit=7`;
    for (let pages = 0; pages < 10; pages++) {
      const page = (await get(url)).body;
      backward.push(page.data.map((c: { timestamp: string }) => c.timestamp));
      if (page.next_cursor === null) break;
      url = `${base}&limit=7&cursor=${page.next_cursor}`;
    }
    expect(backward.map((p) => p.length)).toEqual([7, 7, 6]);
    expect(backward.reverse().flat()).toEqual(ETH_DAYS.map((c) => iso(c.open_time)));
  });
});

describe("GET /api/v1/market/orderbook/{symbol}", () => {
  it("cuts the book to depth (default 10) and keeps both sides sorted", async () => {
    // A hand-made book of 12 levels per side around 100.
    const bids = Array.from({ length: 12 }, (_, i) => [`${99 - i}.5`, `${i + 1}`]);
    const asks = Array.from({ length: 12 }, (_, i) => [`${100 + i}.5`, `${i + 1}`]);
    await ingest({
      exchange: "binance",
      orderbooks: [{ symbol: "ETH-USDT", bids, asks, timestamp: "2025-01-01T00:00:00Z" }],
    });
    const full = (await get("/api/v1/market/orderbook/ETH-USDT")).body;
    expect(full.bids).toEqual(bids.slice(0, 10));
    expect(full.asks).toEqual(asks.slice(0, 10));
    expect((await get("/api/v1/market/orderbook/ETH-USDT?depth=1")).body).toEqual({
      symbol: "ETH-USDT",
      bids: [["99.5", "1"]],
      asks: [["100.5", "1"]],
      timestamp: "2025-01-01T00:00:00.000Z",
    });
  });

  it("keeps the newer snapshot when an older one arrives later", async () => {
    await ingest({
      exchange: "binance",
      orderbooks: [{ symbol: "ETH-USDT", bids: [["1", "1"]], asks: [["2", "1"]], timestamp: "2024-12-31T00:00:00Z" }],
    });
    expect((await get("/api/v1/market/orderbook/ETH-USDT?depth=1")).body.timestamp).toBe("2025-01-01T00:00:00.000Z");
  });

  it("answers 404 not_found without a book, 404 MARKET_001 for an unknown symbol, 400 for a bad depth", async () => {
    await expectError(await call("/api/v1/market/orderbook/SOL-USDT"), 404, "not_found");
    await expectError(await call("/api/v1/market/orderbook/ADA-USDT"), 404, "MARKET_001");
    await expectError(await call("/api/v1/market/orderbook/ETH-USDT?depth=0"), 400, "validation_error");
    await expectError(await call("/api/v1/market/orderbook/ETH-USDT?depth=1001"), 400, "validation_error");
  });
});

describe("market routes in the OpenAPI document", () => {
  it("documents every market route with its error responses", async () => {
    const doc = await json(await call("/openapi.json"));
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith("/api/v1/market"));
    expect(paths.sort()).toEqual([
      "/api/v1/market/history/{symbol}",
      "/api/v1/market/ingest",
      "/api/v1/market/orderbook/{symbol}",
      "/api/v1/market/price/{symbol}",
      "/api/v1/market/symbols",
    ]);
    expect(Object.keys(doc.paths["/api/v1/market/price/{symbol}"].get.responses)).toEqual(
      expect.arrayContaining(["200", "400", "404", "502"]),
    );
    expect(doc.paths["/api/v1/market/ingest"].post.responses["202"]).toBeDefined();
    expect(doc.components.schemas.IngestCandle.required).toEqual(
      expect.arrayContaining(["symbol", "interval", "timestamp", "open", "high", "low", "close", "volume"]),
    );
  });
});
