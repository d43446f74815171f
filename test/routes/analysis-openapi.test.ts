import { describe, expect, it } from "vitest";
import { call, json } from "../helpers";

describe("OpenAPI document: analysis", () => {
  it("documents the risk route with its quantile convention, parameters and errors", async () => {
    const doc = await json(await call("/openapi.json"));
    const op = doc.paths["/api/v1/analysis/risk/{symbol}"]?.get;
    expect(op).toMatchObject({ operationId: "getRiskAnalysis", tags: ["Analysis"] });
    expect(op.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    expect(op.description).toContain("k = ceil(n × (1 − c))");
    expect(op.description).toContain("Hyndman-Fan type 1");
    const params = Object.fromEntries(op.parameters.map((p: { name: string }) => [p.name, p]));
    expect(params.window.schema).toMatchObject({ minimum: 30, maximum: 2000, default: 365 });
    expect(params.confidence.schema).toMatchObject({ minimum: 0.9, maximum: 0.999, default: 0.95 });
    for (const p of Object.values(params))
      expect((p as { schema: { example?: unknown } }).schema.example).toBeDefined();
    expect(Object.keys(op.responses).sort()).toEqual(["200", "400", "401", "403", "404", "413", "422", "429", "500"]);
    const schema = doc.components.schemas.RiskAnalysis;
    expect(Object.keys(schema.properties).sort()).toEqual(
      ["confidence", "expected_shortfall", "method", "symbol", "timestamp", "var_95", "volatility", "window"].sort(),
    );
    for (const field of Object.values(schema.properties))
      expect((field as { example?: unknown }).example).toBeDefined();
  });

  it("documents the prediction route with its models, meaning of confidence and AI errors", async () => {
    const doc = await json(await call("/openapi.json"));
    const op = doc.paths["/api/v1/analysis/prediction/{symbol}"]?.get;
    expect(op).toMatchObject({ operationId: "getPricePrediction", tags: ["Analysis"] });
    expect(op.description).toContain("never on the request path");
    expect(op.description).toContain("directional hit rate");
    const params = Object.fromEntries(op.parameters.map((p: { name: string }) => [p.name, p]));
    expect(params.timeframe.schema.enum).toEqual(["1h", "4h", "1d"]);
    expect(params.model.schema.enum).toEqual(["lstm", "ensemble"]);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "404", "500", "503"]));
    const schema = doc.components.schemas.PricePrediction;
    expect(Object.keys(schema.properties).sort()).toEqual(
      ["confidence", "interval_high", "interval_low", "model", "prediction", "symbol", "timeframe", "timestamp"].sort(),
    );
    expect(schema.properties.confidence).toMatchObject({ minimum: 0, maximum: 1 });
  });
});
