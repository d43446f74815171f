import { describe, expect, it } from "vitest";
import { call, json } from "../helpers";

const OPERATIONS: Array<[string, string, string, number, number[]]> = [
  ["/api/v1/portfolio/balance", "get", "getPortfolioBalance", 200, [401, 403]],
  ["/api/v1/portfolio/positions", "get", "listPositions", 200, [401, 403]],
  ["/api/v1/portfolio/positions/{position_id}", "get", "getPosition", 200, [401, 403, 404]],
  ["/api/v1/portfolio/positions", "post", "openPosition", 201, [401, 403, 404, 409, 422, 503]],
  ["/api/v1/portfolio/positions/{position_id}", "delete", "closePosition", 200, [401, 403, 404, 409, 503]],
];

describe("OpenAPI document: portfolio", () => {
  it.each(OPERATIONS)(
    "documents %s %s with its success, errors and security",
    async (path, method, id, status, errors) => {
      const doc = await json(await call("/openapi.json"));
      const op = doc.paths[path]?.[method];
      expect(op?.operationId).toBe(id);
      expect(op.tags).toEqual(["Portfolio"]);
      expect(op.responses[status]?.content?.["application/json"]?.schema).toBeDefined();
      for (const code of [400, 413, 429, 500, ...errors]) {
        expect(op.responses[code]?.$ref, String(code)).toMatch(/^#\/components\/responses\//);
      }
      expect(op.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
      if (method !== "get") {
        expect(op.description).toContain("signed");
        const header = op.parameters.find((p: { in: string }) => p.in === "header");
        expect(header?.name.toLowerCase()).toBe("idempotency-key");
      }
    },
  );

  it("documents the shapes of API.md with examples", async () => {
    const doc = await json(await call("/openapi.json"));
    const { Position, PortfolioBalance, OpenPositionRequest, OpenedPosition } = doc.components.schemas;
    expect(Object.keys(PortfolioBalance.properties).sort()).toEqual(
      ["currency", "balance", "available", "margin_used", "unrealized_pnl", "equity", "timestamp"].sort(),
    );
    for (const field of [
      "position_id",
      "symbol",
      "type",
      "size",
      "leverage",
      "entry_price",
      "current_price",
      "pnl",
      "status",
      "timestamp",
    ]) {
      expect(Position.properties[field], field).toBeDefined();
    }
    for (const field of ["position_id", "status", "timestamp"]) expect(OpenedPosition.properties[field]).toBeDefined();
    expect(OpenPositionRequest.additionalProperties).toBe(false);
    expect(OpenPositionRequest.properties.size.example).toBe("0.5");
    expect(OpenPositionRequest.required.sort()).toEqual(["size", "symbol", "type"]);
  });
});
