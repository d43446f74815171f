import { describe, expect, it } from "vitest";
import { call, json } from "../helpers";

const OPERATIONS: Array<[string, string, string, number, number[]]> = [
  ["/api/v1/monitor", "post", "startMonitoring", 201, [401, 403]],
  ["/api/v1/monitor", "get", "listMonitors", 200, [401, 403]],
  ["/api/v1/monitor/{monitoring_id}", "delete", "stopMonitoring", 204, [401, 403, 404]],
  ["/api/v1/anomalies", "get", "listAnomalies", 200, [401, 403]],
  ["/api/v1/token/{token_address}/analysis", "get", "getTokenAnalysis", 200, [401, 403]],
  ["/api/v1/ingest/solana", "post", "ingestSolana", 202, [401, 403]],
];

describe("OpenAPI document: Solana token monitoring", () => {
  it.each(OPERATIONS)("documents %s %s with its success and errors", async (path, method, id, status, errors) => {
    const doc = await json(await call("/openapi.json"));
    const op = doc.paths[path]?.[method];
    expect(op?.operationId).toBe(id);
    expect(op.tags).toEqual(["Solana token monitoring"]);
    expect(op.description.length).toBeGreaterThan(60);
    expect(op.responses[status]).toBeDefined();
    for (const code of [400, 413, 429, 500, ...errors]) {
      expect(op.responses[code]?.$ref).toMatch(/^#\/components\/responses\//);
    }
  });

  it("documents the webhook's raw-secret scheme next to JWTs and API keys", async () => {
    const doc = await json(await call("/openapi.json"));
    expect(doc.paths["/api/v1/ingest/solana"].post.security).toEqual([
      { solanaWebhookSecret: [] },
      { bearerAuth: [] },
      { apiKey: [] },
    ]);
    expect(doc.components.securitySchemes.solanaWebhookSecret).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "Authorization",
    });
    const items = doc.paths["/api/v1/ingest/solana"].post.requestBody.content["application/json"].schema.items;
    for (const ref of items.oneOf.map((s: { $ref: string }) => s.$ref)) {
      expect(doc.components.schemas[ref.split("/").pop()]).toBeDefined();
    }
  });

  it("says anomalies are readable by anyone with read:tokens", async () => {
    const doc = await json(await call("/openapi.json"));
    expect(doc.paths["/api/v1/anomalies"].get.description).toContain("anyone with `read:tokens`");
    const event = doc.components.schemas.AnomalyEvent;
    expect(Object.keys(event.properties).sort()).toEqual(
      ["anomaly_type", "details", "id", "risk_score", "timestamp", "token_address"].sort(),
    );
    expect(event.properties.anomaly_type.enum).toEqual([
      "whale_movement",
      "volume_spike",
      "price_spike",
      "price_crash",
      "holder_concentration",
      "wash_trading",
    ]);
  });
});
