import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { encodeBase58 } from "../../src/lib/solana";
import { type AlertDelivery, publishAlerts } from "../../src/services/realtime/publish";
import { authHeader } from "../helpers";
import { type Client, connect } from "../ws-helpers";

const open: Client[] = [];
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

/** A random, valid token mint address. */
const newToken = () => encodeBase58(crypto.getRandomValues(new Uint8Array(32)));

async function alertSocket(account = `usr_ws_${crypto.randomUUID()}`): Promise<Client> {
  const client = await connect("/ws/alerts", await authHeader("developer", account));
  open.push(client);
  return client;
}

function alert(token: string, accounts: string[] = [], riskScore = 0.85): AlertDelivery {
  return {
    message: {
      type: "anomaly_alert",
      data: {
        token_address: token,
        risk_score: riskScore,
        anomaly_type: "whale_movement",
        timestamp: "2024-01-07T12:00:00Z",
        details: { wallet_address: "wallet_address", amount: 500000, usd_value: 250000 },
      },
    },
    account_ids: accounts,
  };
}

describe("/ws/alerts", () => {
  it("delivers anomaly_alert exactly in seed 000's shape, whatever order the publisher's keys have", async () => {
    const token = newToken();
    const client = await alertSocket();
    expect(await client.request({ action: "subscribe", channel: "anomalies", token_addresses: [token] })).toEqual({
      type: "subscribed",
      channel: "anomalies",
      token_addresses: [token],
    });
    const shuffled = alert(token);
    const { details, timestamp, anomaly_type, risk_score, token_address } = shuffled.message.data;
    shuffled.message = {
      data: { details, timestamp, anomaly_type, risk_score, token_address },
      type: "anomaly_alert",
    } as AlertDelivery["message"];

    await publishAlerts(env, [shuffled]);
    expect(await client.nextText()).toBe(
      `{"type":"anomaly_alert","data":{"token_address":"${token}","risk_score":0.85,"anomaly_type":"whale_movement","timestamp":"2024-01-07T12:00:00Z","details":{"wallet_address":"wallet_address","amount":500000,"usd_value":250000}}}`,
    );
  });

  it("delivers only the alerts of the tokens a subscriber follows", async () => {
    const [mine, theirs] = [newToken(), newToken()];
    const [me, other] = [await alertSocket(), await alertSocket()];
    await me.request({ action: "subscribe", channel: "anomalies", token_addresses: [mine] });
    await other.request({ action: "subscribe", channel: "anomalies", token_addresses: [theirs] });

    // Their alert is published first: had it reached me, it would be my first message.
    await publishAlerts(env, [alert(theirs, [], 0.5), alert(mine, [], 0.9)]);
    expect(await me.next()).toMatchObject({ data: { token_address: mine, risk_score: 0.9 } });
    expect(await other.next()).toMatchObject({ data: { token_address: theirs, risk_score: 0.5 } });
    expect(me.pending()).toEqual([]);
    expect(other.pending()).toEqual([]);
  });

  it("without token_addresses, follows every token the account monitors (by the alert's accounts)", async () => {
    const account = `usr_ws_${crypto.randomUUID()}`;
    const [monitored, unrelated] = [newToken(), newToken()];
    const client = await alertSocket(account);
    expect(await client.request({ action: "subscribe", channel: "anomalies" })).toEqual({
      type: "subscribed",
      channel: "anomalies",
      token_addresses: null,
    });
    await publishAlerts(env, [alert(unrelated, ["usr_someone_else"]), alert(monitored, ["usr_x", account])]);
    expect(await client.next()).toMatchObject({ data: { token_address: monitored } });
    expect(client.pending()).toEqual([]);
  });

  it("sends one copy when a socket follows a token both ways", async () => {
    const account = `usr_ws_${crypto.randomUUID()}`;
    const token = newToken();
    const client = await alertSocket(account);
    await client.request({ action: "subscribe", channel: "anomalies" });
    await client.request({ action: "subscribe", channel: "anomalies", token_addresses: [token] });
    await publishAlerts(env, [alert(token, [account], 0.7), alert(token, [account], 0.8)]);
    expect(await client.next()).toMatchObject({ data: { risk_score: 0.7 } });
    expect(await client.next()).toMatchObject({ data: { risk_score: 0.8 } });
  });

  it("stops alerts once unsubscribed; unsubscribing without addresses ends every alert subscription", async () => {
    const account = `usr_ws_${crypto.randomUUID()}`;
    const [a, b, witness] = [newToken(), newToken(), newToken()];
    const client = await alertSocket(account);
    await client.request({ action: "subscribe", channel: "anomalies", token_addresses: [a, b] });
    expect(await client.request({ action: "unsubscribe", channel: "anomalies", token_addresses: [a] })).toEqual({
      type: "unsubscribed",
      channel: "anomalies",
      token_addresses: [a],
    });
    await publishAlerts(env, [alert(a), alert(b)]);
    expect(await client.next()).toMatchObject({ data: { token_address: b } });

    await client.request({ action: "subscribe", channel: "anomalies" });
    expect(await client.request({ action: "unsubscribe", channel: "anomalies" })).toEqual({
      type: "unsubscribed",
      channel: "anomalies",
      token_addresses: null,
    });
    await client.request({ action: "subscribe", channel: "anomalies", token_addresses: [witness] });
    await publishAlerts(env, [alert(b, [account]), alert(witness)]);
    expect(await client.next()).toMatchObject({ data: { token_address: witness } });
  });

  it("reaches subscribers in every room", async () => {
    const token = newToken();
    const clients = await Promise.all(Array.from({ length: 12 }, () => alertSocket()));
    for (const client of clients) {
      await client.request({ action: "subscribe", channel: "anomalies", token_addresses: [token] });
    }
    await publishAlerts(env, [alert(token)]);
    for (const client of clients) expect(await client.next()).toMatchObject({ data: { token_address: token } });
  });
});

describe("/ws/alerts: invalid messages", () => {
  const error = { type: "error", error: { code: "validation_error", message: expect.any(String) } };

  it.each([
    ["a malformed address", { action: "subscribe", channel: "anomalies", token_addresses: ["not-base58-0OIl"] }],
    ["a 31-byte address", { action: "subscribe", channel: "anomalies", token_addresses: ["1".repeat(31)] }],
    ["an empty list", { action: "subscribe", channel: "anomalies", token_addresses: [] }],
    ["a non-list", { action: "subscribe", channel: "anomalies", token_addresses: "abc" }],
    ["the market channel", { action: "subscribe", channel: "market", symbols: ["BTC-USDT"] }],
  ])("answers %s with validation_error and stays open", async (_name, message) => {
    const client = await alertSocket();
    expect(await client.request(message)).toEqual(error);
    client.send("ping");
    expect(await client.nextText()).toBe("pong");
  });

  it("refuses more than 100 followed tokens per socket", async () => {
    const client = await alertSocket();
    const tokens = Array.from({ length: 100 }, newToken);
    expect(await client.request({ action: "subscribe", channel: "anomalies", token_addresses: tokens })).toMatchObject({
      type: "subscribed",
    });
    const reply = await client.request({ action: "subscribe", channel: "anomalies", token_addresses: [newToken()] });
    expect(reply).toEqual(error);
    expect(reply.error.message).toContain("at most 100 token addresses");
  });
});
