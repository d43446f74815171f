import { afterEach, describe, expect, it } from "vitest";
import {
  deliver,
  getAsDeveloper,
  heliusTx,
  monitor,
  newAddress,
  newSignature,
  pricePoint,
  runMinuteCron,
} from "../fixtures/solana";
import { authHeader } from "../helpers";
import { type Client, connect } from "../ws-helpers";

const MINUTE = 60_000;
const open: Client[] = [];
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

async function alertSocket(role: "trader" | "developer", account: string): Promise<Client> {
  const client = await connect("/ws/alerts", await authHeader(role, account));
  open.push(client);
  return client;
}

describe("anomaly alerts over /ws/alerts (acceptance)", () => {
  it("a WebSocket subscriber receives the alert of a whale found by the scheduled scan", async () => {
    const mint = newAddress();
    const monitorer = `usr_alerts_${crypto.randomUUID()}`;
    await monitor([mint], 60, monitorer);
    // One subscriber follows every token its account monitors, another follows this token by name.
    const mine = await alertSocket("trader", monitorer);
    expect(await mine.request({ action: "subscribe", channel: "anomalies" })).toMatchObject({ type: "subscribed" });
    const watcher = await alertSocket("developer", `usr_alerts_${crypto.randomUUID()}`);
    expect(await watcher.request({ action: "subscribe", channel: "anomalies", token_addresses: [mint] })).toMatchObject(
      {
        type: "subscribed",
      },
    );
    const bystander = await alertSocket("developer", `usr_alerts_${crypto.randomUUID()}`);
    await bystander.request({ action: "subscribe", channel: "anomalies", token_addresses: [newAddress()] });

    const now = Date.now();
    const [from, to, signature] = [newAddress(), newAddress(), newSignature()];
    await deliver([
      pricePoint(mint, "0.5", now - 10 * MINUTE),
      heliusTx({ time: now - 3 * MINUTE, transfers: [{ mint, from: newAddress(), to: newAddress(), amount: 120 }] }),
      heliusTx({ signature, time: now - 2 * MINUTE, transfers: [{ mint, from, to, amount: 1_000_000 }] }),
    ]);
    await runMinuteCron(Math.floor(now / MINUTE) * MINUTE + MINUTE);

    const stored = (await getAsDeveloper(`/api/v1/anomalies?token_address=${mint}`)).body.anomalies;
    expect(stored).toHaveLength(1);
    const expected = {
      type: "anomaly_alert",
      data: {
        token_address: mint,
        risk_score: stored[0].risk_score,
        anomaly_type: "whale_movement",
        timestamp: stored[0].timestamp,
        details: stored[0].details,
      },
    };
    expect(expected.data.details).toMatchObject({
      wallet_address: from,
      amount: 1_000_000,
      usd_value: 500_000,
      signature,
    });
    const raw = await mine.nextText();
    expect(JSON.parse(raw)).toEqual(expected);
    // Seed 000's key order, exactly as sent.
    expect(Object.keys(JSON.parse(raw).data)).toEqual([
      "token_address",
      "risk_score",
      "anomaly_type",
      "timestamp",
      "details",
    ]);
    expect(await watcher.next()).toEqual(expected);
    expect(bystander.pending()).toEqual([]);

    // The next run finds nothing new and sends nothing more.
    await runMinuteCron(Math.floor(now / MINUTE) * MINUTE + 2 * MINUTE);
    expect(mine.pending()).toEqual([]);
    expect(watcher.pending()).toEqual([]);
  });
});
