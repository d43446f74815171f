import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { trainDueModels } from "../../src/services/analysis/training";
import { headerWithScopes, storedModels, storeReal } from "../fixtures/analysis";
import { authHeader, call, expectError, json } from "../helpers";
import { account, createKey } from "../key-helpers";

const RISK = "/api/v1/analysis/risk/BTC-USDT?window=200";
const PREDICTION = "/api/v1/analysis/prediction/BTC-USDT?timeframe=1d&model=ensemble";

// The trained 1d ensemble's stored parameters, as the cron wrote them.
let original: string;

/** Stores `params` as the 1d ensemble's parameters and bumps its version, as a retraining would. */
async function storeParams(params: string | Record<string, unknown>): Promise<void> {
  await env.DB.prepare(
    `UPDATE analysis_models SET params = ?1, version = version + 1
     WHERE symbol = 'BTC-USDT' AND timeframe = '1d' AND model = 'ensemble'`,
  )
    .bind(typeof params === "string" ? params : JSON.stringify(params))
    .run();
}

beforeAll(async () => {
  await storeReal("BTC-USDT", "BTC-USDT", "1d", 220);
  await trainDueModels(env.DB, { budgetMs: 60_000, maxModels: 10, minCandles: 200 });
  await storeReal("ETH-USDT", "ETH-USDT", "1d", 220); // enough history, never trained here
  original = (await storedModels("BTC-USDT")).find((m) => m.model === "ensemble")?.params as string;
}, 60_000);

describe("analysis routes: who may call them", () => {
  it.each([RISK, PREDICTION])("refuses an anonymous call to %s with 401 unauthorized", async (path) => {
    await expectError(await call(path), 401, "unauthorized");
  });

  it.each([RISK, PREDICTION])("refuses a forged token on %s with 401 invalid_token", async (path) => {
    const res = await call(path, { headers: { Authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl" } });
    await expectError(res, 401, "invalid_token");
  });

  it.each([RISK, PREDICTION])("refuses a token without read:analysis on %s with 403 forbidden", async (path) => {
    const res = await call(path, { headers: await headerWithScopes(["read:market", "read:tokens"]) });
    const error = await expectError(res, 403, "forbidden");
    expect(error.details).toEqual({ required_scopes: ["read:analysis"] });
  });

  it("serves an API key that carries read:analysis and refuses one that does not", async () => {
    const { headers } = await account("developer");
    const analysisKey = await createKey(headers, { scopes: ["read:analysis"] });
    const marketKey = await createKey(headers, { scopes: ["read:market"] });
    for (const path of [RISK, PREDICTION]) {
      expect((await call(path, { headers: { "X-API-Key": analysisKey.api_key } })).status).toBe(200);
      const res = await call(path, { headers: { Authorization: `Bearer ${marketKey.api_key}` } });
      await expectError(res, 403, "forbidden");
    }
  });

  it.each(["developer", "trader", "admin"] as const)("serves a %s token (its role has read:analysis)", async (role) => {
    const headers = await authHeader(role);
    expect((await call(RISK, { headers })).status).toBe(200);
    expect((await call(PREDICTION, { headers })).status).toBe(200);
  });
});

describe("analysis routes: what they never do", () => {
  it("never trains on the request path", async () => {
    const headers = await authHeader("developer");
    for (const model of ["ensemble", "lstm"]) {
      for (let i = 0; i < 3; i++) {
        const res = await call(`/api/v1/analysis/prediction/ETH-USDT?timeframe=1d&model=${model}`, { headers });
        await expectError(res, 503, "AI_001");
      }
    }
    expect(await storedModels("ETH-USDT")).toEqual([]);
    const before = await storedModels("BTC-USDT");
    await call(PREDICTION, { headers });
    expect(await storedModels("BTC-USDT")).toEqual(before);
  });

  it("answers a damaged stored model with 500 AI_002 and no internals", async () => {
    const headers = await authHeader("developer");
    const good = await json(await call(PREDICTION, { headers }));
    await storeParams(original.slice(0, 40));
    const error = await expectError(await call(PREDICTION, { headers }), 500, "AI_002");
    expect(error.message).toBe("The stored model could not be read.");
    expect(JSON.stringify(error)).not.toMatch(/JSON|SQL|analysis_models|at .*\.ts/);

    await storeParams({ ...JSON.parse(original), interval: { low: 0.1, high: -0.1 } });
    await expectError(await call(PREDICTION, { headers }), 500, "AI_002");

    await storeParams(original);
    expect(await json(await call(PREDICTION, { headers }))).toEqual(good);
  });

  it("answers a forecast that is not finite with 500 AI_002", async () => {
    const headers = await authHeader("developer");
    // All weight on the drift member, drifting e^1000000 per day: the forecast overflows.
    const params = JSON.parse(original);
    params.members[1] = { mu: 1e6 };
    await storeParams({ ...params, weights: [0, 1, 0, 0] });
    const error = await expectError(await call(PREDICTION, { headers }), 500, "AI_002");
    expect(error.message).toBe("The forecast is not a finite number.");
  });
});
