import { randomBytes } from "node:crypto";
import bs58 from "bs58";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer } from "../../scripts/lib/local-server.mjs";
import { accessToken, STEPS } from "../../scripts/seed.mjs";
import { TEST_BINDINGS } from "../../vitest.config";

let server: { url: string; stop: () => Promise<void> };
const ADMIN = "admin@parapet.local";
const USDC = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
const WSOL = "So11111111111111111111111111111111111111112";

beforeAll(async () => {
  server = await startLocalServer({ vars: { ...TEST_BINDINGS, ENFORCE_HTTPS: "false", ADMIN_EMAILS: ADMIN } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

type SeedState = Record<string, unknown> & { solana?: { monitoring_ids: string[] } };

async function runStep(name: string, state: SeedState, lines: string[] = []) {
  const step = STEPS.find((s: { name: string }) => s.name === name);
  if (!step) throw new Error(`no ${name} step`);
  await step.run({ url: server.url, vars: { ADMIN_EMAILS: ADMIN }, state, log: (l: string) => lines.push(l) });
}

const address = () => bs58.encode(randomBytes(32));

describe("Solana monitoring end to end (against wrangler dev)", () => {
  it("seeds the trader's USDC and wSOL monitors once, then a webhook whale becomes an anomaly on the cron", async () => {
    const state: SeedState = {};
    await runStep("accounts", state);
    const lines: string[] = [];
    await runStep("solana", state, lines);
    expect(state.solana?.monitoring_ids).toHaveLength(2);
    expect(lines.join("\n")).toContain("USDC and wSOL");
    const again: string[] = [];
    await runStep("solana", state, again);
    expect(again).toEqual([]);

    const token = await accessToken(server.url, state, "trader");
    const auth = { authorization: `Bearer ${token}` };
    const listed = (await (await fetch(`${server.url}/api/v1/monitor`, { headers: auth })).json()) as {
      monitors: Array<{ monitoring_id: string; token_address: string; update_interval: number }>;
    };
    expect(listed.monitors.map((m) => [m.token_address, m.update_interval]).sort()).toEqual([
      [USDC, 300],
      [WSOL, 300],
    ]);
    expect(listed.monitors.map((m) => m.monitoring_id).sort()).toEqual(
      [...(state.solana?.monitoring_ids ?? [])].sort(),
    );

    // A Helius-style delivery with the raw secret: a price, small transfers and one whale.
    const now = Math.floor(Date.now() / 1000);
    const [whaleFrom, whaleTo] = [address(), address()];
    const signature = bs58.encode(randomBytes(64));
    const tx = (sig: string, from: string, to: string, amount: number, at: number) => ({
      signature: sig,
      timestamp: at,
      slot: 320_000_000,
      type: "TRANSFER",
      tokenTransfers: [{ fromUserAccount: from, toUserAccount: to, mint: USDC, tokenAmount: amount }],
    });
    const items = [
      { type: "PRICE", mint: USDC, price_usd: "0.9999", timestamp: now - 600 },
      ...Array.from({ length: 5 }, (_, i) =>
        tx(bs58.encode(randomBytes(64)), address(), address(), 50 + i, now - 300 + i),
      ),
      tx(signature, whaleFrom, whaleTo, 250_000, now - 120),
    ];
    const delivered = await fetch(`${server.url}/api/v1/ingest/solana`, {
      method: "POST",
      headers: { authorization: TEST_BINDINGS.SOLANA_WEBHOOK_SECRET, "content-type": "application/json" },
      body: JSON.stringify(items),
    });
    expect(delivered.status).toBe(202);
    expect(await delivered.json()).toEqual({ accepted: 7, duplicates: 0, rejected: [] });

    const cron = await fetch(`${server.url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`);
    expect(cron.status).toBe(200);

    const res = await fetch(`${server.url}/api/v1/anomalies?token_address=${USDC}&anomaly_type=whale_movement`, {
      headers: auth,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { anomalies: Array<{ details: Record<string, unknown>; risk_score: number }> };
    expect(body.anomalies).toHaveLength(1);
    expect(body.anomalies[0]?.details).toMatchObject({
      wallet_address: whaleFrom,
      counterparty: whaleTo,
      amount: 250_000,
      usd_value: 249_975,
      signature,
    });
    expect(body.anomalies[0]?.risk_score).toBeGreaterThan(0.5);
  });
});
