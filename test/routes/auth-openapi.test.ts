import { describe, expect, it } from "vitest";
import { call, json } from "../helpers";

const OPERATIONS: Array<[string, string, string, number, boolean]> = [
  ["/api/v1/auth/register", "post", "register", 201, false],
  ["/api/v1/auth/login", "post", "login", 200, false],
  ["/api/v1/auth/refresh", "post", "refreshToken", 200, false],
  ["/api/v1/auth/logout", "post", "logout", 204, false],
  ["/api/v1/auth/wallet/nonce", "get", "walletNonce", 200, false],
  ["/api/v1/auth/wallet/verify", "post", "walletVerify", 200, false],
  ["/api/v1/me", "get", "getMe", 200, true],
  ["/.well-known/jwks.json", "get", "getJwks", 200, false],
];

describe("OpenAPI document: authentication", () => {
  it.each(OPERATIONS)(
    "documents %s %s with its success, errors and security",
    async (path, method, id, status, secured) => {
      const doc = await json(await call("/openapi.json"));
      const op = doc.paths[path]?.[method];
      expect(op?.operationId).toBe(id);
      expect(op.tags).toEqual(["Authentication"]);
      expect(op.description.length).toBeGreaterThan(40);
      expect(op.responses[status]).toBeDefined();
      for (const code of [400, 429, 500]) expect(op.responses[code]?.$ref).toMatch(/^#\/components\/responses\//);
      if (secured) expect(op.security).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
      else expect(op.security).toEqual([]);
    },
  );

  it("documents the token pair and the wallet query parameter with examples", async () => {
    const doc = await json(await call("/openapi.json"));
    const pair = doc.components.schemas.TokenPair;
    expect(Object.keys(pair.properties).sort()).toEqual(
      ["access_token", "expires_at", "expires_in", "refresh_token", "token_type"].sort(),
    );
    const wallet = doc.paths["/api/v1/auth/wallet/nonce"].get.parameters[0];
    expect(wallet).toMatchObject({ name: "wallet", in: "query", required: true });
    expect(wallet.schema.example).toBeTruthy();
    expect(doc.components.schemas.RegisterRequest.properties.role.enum).toEqual(["developer", "trader"]);
  });
});
