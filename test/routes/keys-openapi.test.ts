import { describe, expect, it } from "vitest";
import { call, json } from "../helpers";

const OPERATIONS: Array<[string, string, string, number, string, number[]]> = [
  ["/api/v1/keys", "post", "createApiKey", 201, "API keys", [401, 403, 409]],
  ["/api/v1/keys", "get", "listApiKeys", 200, "API keys", [401, 403]],
  ["/api/v1/keys/{key_id}", "get", "getApiKey", 200, "API keys", [401, 403, 404]],
  ["/api/v1/keys/{key_id}", "delete", "revokeApiKey", 204, "API keys", [401, 403, 404]],
  ["/api/v1/keys/{key_id}/rotate", "post", "rotateApiKey", 201, "API keys", [401, 403, 404, 409]],
  ["/api/v1/keys/{key_id}/usage", "get", "getApiKeyUsage", 200, "API keys", [401, 403, 404]],
  ["/api/v1/admin/keys/{key_id}/suspend", "post", "suspendApiKey", 200, "Admin", [401, 403, 404, 409]],
  ["/api/v1/admin/keys/{key_id}/unsuspend", "post", "unsuspendApiKey", 200, "Admin", [401, 403, 404, 409]],
  ["/api/v1/admin/keys/{key_id}/limits", "put", "setApiKeyLimits", 200, "Admin", [401, 403, 404, 409]],
];

describe("OpenAPI document: API keys", () => {
  it.each(OPERATIONS)(
    "documents %s %s with its success, errors and security",
    async (path, method, id, status, tag, errors) => {
      const doc = await json(await call("/openapi.json"));
      const op = doc.paths[path]?.[method];
      expect(op?.operationId).toBe(id);
      expect(op.tags).toEqual([tag]);
      expect(op.description).toContain("signed");
      expect(op.responses[status]).toBeDefined();
      for (const code of [400, 413, 429, 500, ...errors]) {
        expect(op.responses[code]?.$ref).toMatch(/^#\/components\/responses\//);
      }
      expect(op.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
    },
  );

  it("documents the key object exactly as API.md lists it, plus the enterprise rate limit", async () => {
    const doc = await json(await call("/openapi.json"));
    expect(Object.keys(doc.components.schemas.ApiKey.properties).sort()).toEqual(
      [
        "key_id",
        "name",
        "prefix",
        "scopes",
        "tier",
        "ip_allowlist",
        "allowed_countries",
        "status",
        "created_at",
        "expires_at",
        "last_used_at",
        "rotate_after",
        "rate_limit",
      ].sort(),
    );
    const issued = doc.components.schemas.IssuedApiKey;
    expect(JSON.stringify(issued)).toContain("api_secret");
    const create = doc.components.schemas.CreateKeyRequest;
    expect(create.properties.ip_allowlist.maxItems).toBe(10);
    expect(create.properties.expires_in_days).toMatchObject({ minimum: 1, maximum: 365 });
    expect(create.properties.scopes.example).toBeTruthy();
  });
});
