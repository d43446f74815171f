import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSdk, buildTypes, OUT } from "../../scripts/build-client.mjs";
import { ROOT } from "../../scripts/lib/local-server.mjs";

// A consumer project outside the repository that depends on this package as `parapet`.
const consumer = mkdtempSync(join(tmpdir(), "parapet-consumer-"));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

function typecheck(source: string): { ok: boolean; output: string } {
  writeFileSync(join(consumer, "use.mts"), source);
  const result = spawnSync(
    process.execPath,
    [
      TSC,
      "--noEmit",
      "--strict",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--target",
      "es2022",
      "--lib",
      "es2023,dom",
      "--types",
      "",
      "use.mts",
    ],
    { cwd: consumer, encoding: "utf8" },
  );
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  await buildSdk();
  buildTypes();
  mkdirSync(join(consumer, "node_modules"));
  symlinkSync(ROOT, join(consumer, "node_modules", "parapet"), "dir");
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", type: "module", private: true }));
}, 120_000);

describe("the parapet/client package entry", () => {
  it("imports in plain Node through package.json exports and calls the API with the given fetch", () => {
    const script = `
      import { ParapetClient, ParapetError } from "parapet/client";
      const seen = [];
      const client = new ParapetClient({
        baseUrl: "https://api.example.test",
        fetch: async (request) => {
          seen.push(request.method + " " + request.url);
          if (request.url.endsWith("/price/NOPE-USDT")) {
            return new Response(JSON.stringify({ error: { code: "MARKET_001", message: "Unknown symbol.", details: {}, request_id: "req_1" } }), { status: 404, headers: { "content-type": "application/json" } });
          }
          return new Response(JSON.stringify({ symbol: "BTC-USDT", price: "1.00" }), { headers: { "content-type": "application/json" } });
        },
      });
      const price = await client.market.price("BTC-USDT");
      const error = await client.market.price("NOPE-USDT").catch((e) => e);
      console.log(JSON.stringify({ price, seen, error: error instanceof ParapetError ? [error.code, error.status, error.request_id] : String(error) }));
    `;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: consumer,
      encoding: "utf8",
    });
    expect(JSON.parse(output)).toEqual({
      price: { symbol: "BTC-USDT", price: "1.00" },
      seen: [
        "GET https://api.example.test/api/v1/market/price/BTC-USDT",
        "GET https://api.example.test/api/v1/market/price/NOPE-USDT",
      ],
      error: ["MARKET_001", 404, "req_1"],
    });
  });

  it("ships declarations a strict nodenext project type-checks against", () => {
    const good = typecheck(`
      import { ParapetClient, type Schemas } from "parapet/client";
      const client = new ParapetClient({ baseUrl: "https://api.example.test" });
      export async function run(): Promise<string> {
        const price: Schemas["MarketPrice"] = await client.market.price("BTC-USDT");
        const page = await client.request("get", "/api/v1/market/history/{symbol}", { path: { symbol: "BTC-USDT" }, query: { interval: "1d", limit: 10 } });
        return price.price + page.data.map((c) => c.close).join(",");
      }
    `);
    expect(good.output).toBe("");
    expect(good.ok).toBe(true);
  });

  it("rejects wrong calls at compile time: unknown paths, missing path parameters, wrong query values", () => {
    const bad = typecheck(`
      import { ParapetClient } from "parapet/client";
      const client = new ParapetClient({ baseUrl: "https://api.example.test" });
      void client.request("get", "/api/v1/no/such/route");
      void client.request("get", "/api/v1/market/price/{symbol}");
      void client.market.history("BTC-USDT", { interval: "2h" });
    `);
    expect(bad.ok).toBe(false);
    expect(bad.output).toContain("use.mts(4,");
    expect(bad.output).toContain("use.mts(5,");
    expect(bad.output).toContain("use.mts(6,");
  });

  it("keeps the Worker's code out of the SDK bundle", () => {
    const bundle = readFileSync(join(OUT, "index.js"), "utf8");
    expect(bundle).toMatch(/var ParapetClient = class extends ClientCore/);
    for (const server of ["OpenAPIHono", "D1Database", "DurableObject", "createApp"])
      expect(bundle).not.toContain(server);
  });
});
