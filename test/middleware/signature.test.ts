import { env } from "cloudflare:workers";
import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { requireScope } from "../../src/middleware/auth";
import { requireSignature } from "../../src/middleware/signature";
import { BASE, expectError, json } from "../helpers";
import { account, createKey, signedHeaders } from "../key-helpers";

// A trading path of its own: the real POST /api/v1/portfolio/positions is mounted by createApp().
const PATH = "/api/v1/portfolio/__test/signed";

/** The app with a trading route mounted the way the portfolio routes mount it. */
function tradingApp() {
  const app = createApp();
  const Body = z.object({ symbol: z.string(), size: z.string(), type: z.enum(["long", "short"]) });
  app.openapi(
    createRoute({
      method: "post",
      path: PATH,
      middleware: [requireScope("write:trading"), requireSignature()],
      request: { body: { required: true, content: { "application/json": { schema: Body } } } },
      responses: { 201: { description: "ok", content: { "application/json": { schema: Body } } } },
    }),
    // Echoes what the JSON validator parsed: the signature check must leave the body readable.
    (c) => c.json(c.req.valid("json"), 201),
  );
  return (path: string, init: RequestInit) => app.request(`${BASE}${path}`, init, env);
}

const BODY = '{"symbol":"BTC-USDT","size":"0.5","type":"long"}';

async function traderKey(scopes = ["read:market", "write:trading"]) {
  const owner = await account("trader");
  return { owner, key: await createKey(owner.headers, { scopes }) };
}

function post(request: ReturnType<typeof tradingApp>, headers: Record<string, string>, body = BODY, path = PATH) {
  return request(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

describe("requireSignature on a trading route", () => {
  it("passes a correctly signed request and leaves the body to the JSON validator", async () => {
    const request = tradingApp();
    const { key } = await traderKey();
    const res = await post(request, await signedHeaders(key, "POST", PATH, BODY));
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual(JSON.parse(BODY));
  });

  it("refuses a body with one byte changed with invalid_signature", async () => {
    const request = tradingApp();
    const { key } = await traderKey();
    const headers = await signedHeaders(key, "POST", PATH, BODY);
    const tampered = BODY.replace('"0.5"', '"0.6"');
    expect(tampered.length).toBe(BODY.length);
    await expectError(await post(request, headers, tampered), 401, "invalid_signature");
  });

  it("refuses a timestamp 31 s old or 31 s ahead with signature_expired, and accepts 29 s", async () => {
    const request = tradingApp();
    const { key } = await traderKey();
    for (const skew of [-31_000, 31_000]) {
      const headers = await signedHeaders(key, "POST", PATH, BODY, String(Date.now() + skew));
      await expectError(await post(request, headers), 401, "signature_expired");
    }
    const fresh = await signedHeaders(key, "POST", PATH, BODY, String(Date.now() - 29_000));
    expect((await post(request, fresh)).status).toBe(201);
  });

  it("lets exactly one of the same signed request sent twice at once pass", async () => {
    const request = tradingApp();
    const { key } = await traderKey();
    const headers = await signedHeaders(key, "POST", PATH, BODY);
    const results = await Promise.all([post(request, headers), post(request, headers)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 401]);
    const refused = results.find((r) => r.status === 401) as Response;
    await expectError(refused, 401, "replayed_request");
    // …and a later replay inside the window is refused too.
    await expectError(await post(request, headers), 401, "replayed_request");
  });

  it("admits exactly one of ten concurrent copies", async () => {
    const request = tradingApp();
    const { key } = await traderKey();
    const headers = await signedHeaders(key, "POST", PATH, BODY);
    const results = await Promise.all(Array.from({ length: 10 }, () => post(request, headers)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const res of results.filter((r) => r.status !== 201)) await expectError(res, 401, "replayed_request");
  });

  it("refuses missing headers, a malformed timestamp, another key's secret, another path and a non-hex signature", async () => {
    const request = tradingApp();
    const { key } = await traderKey();
    const { key: other } = await traderKey();
    const error = await expectError(await post(request, { "X-API-Key": key.api_key }), 401, "invalid_signature");
    expect(error.details.required_headers).toContain("X-API-Signature");
    const good = await signedHeaders(key, "POST", PATH, BODY);
    await expectError(
      await post(request, { ...good, "X-API-Timestamp": "2026-01-05T00:00:00Z" }),
      401,
      "invalid_signature",
    );
    const wrongSecret = await signedHeaders({ api_key: key.api_key, api_secret: other.api_secret }, "POST", PATH, BODY);
    await expectError(await post(request, wrongSecret), 401, "invalid_signature");
    const wrongPath = await signedHeaders(key, "POST", `${PATH}?dry_run=1`, BODY);
    await expectError(await post(request, wrongPath), 401, "invalid_signature");
    await expectError(await post(request, { ...good, "X-API-Signature": "zz".repeat(32) }), 401, "invalid_signature");
  });

  it("signs the query string as part of the path", async () => {
    const request = tradingApp();
    const { key } = await traderKey();
    const path = `${PATH}?client_order_id=abc`;
    const res = await post(request, await signedHeaders(key, "POST", path, BODY), BODY, path);
    expect(res.status).toBe(201);
  });

  it("does not ask JWT callers to sign", async () => {
    const request = tradingApp();
    const { owner } = await traderKey();
    expect((await post(request, owner.headers)).status).toBe(201);
  });

  it("answers a key without write:trading with 403 forbidden before looking at signatures", async () => {
    const request = tradingApp();
    const { key } = await traderKey(["read:market", "read:portfolio"]);
    const res = await post(request, await signedHeaders(key, "POST", PATH, BODY));
    const error = await expectError(res, 403, "forbidden");
    expect(error.details.required_scopes).toEqual(["write:trading"]);
  });

  it("refuses a key's signature once the key is revoked", async () => {
    const request = tradingApp();
    const { owner, key } = await traderKey();
    await request(`/api/v1/keys/${key.key_id}`, { method: "DELETE", headers: owner.headers });
    await expectError(await post(request, await signedHeaders(key, "POST", PATH, BODY)), 401, "invalid_api_key");
  });
});
