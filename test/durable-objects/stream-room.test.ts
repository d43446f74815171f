import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { StreamRoom } from "../../durable-objects/stream-room";
import { CLOSE_CODES, IDLE_TIMEOUT_MS } from "../../src/services/realtime/protocol";
import type { TickerMessage } from "../../src/services/realtime/publish";
import { Client, roomUpgrade, seed } from "../ws-helpers";

const open: Client[] = [];
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

/** A room of its own, so no other test's sockets are swept or counted. */
function freshRoom(): DurableObjectStub<StreamRoom> {
  return env.ROOMS.get(env.ROOMS.idFromName(`test-room-${crypto.randomUUID()}`));
}

async function join(room: DurableObjectStub<StreamRoom>, connection = seed()): Promise<Client> {
  const res = await roomUpgrade(room, connection);
  if (res.status !== 101 || !res.webSocket) throw new Error(`refused: ${res.status}`);
  const client = new Client(res.webSocket);
  open.push(client);
  return client;
}

const setClock = (room: DurableObjectStub<StreamRoom>, clock: () => number) =>
  runInDurableObject(room, (instance: StreamRoom) => {
    instance.clock = clock;
  });

const ticker = (symbol: string, price: string, timestamp: string): TickerMessage => ({
  type: "ticker",
  symbol,
  price,
  timestamp,
  volume: "1",
});

describe("StreamRoom: idle sweep", () => {
  it("closes a socket silent for more than 40 s with 4408, keeping those that spoke or pinged", async () => {
    const room = freshRoom();
    // All three connect "a minute ago" on the room's clock.
    await setClock(room, () => Date.now() - 60_000);
    const [silent, talker, pinger] = [await join(room), await join(room), await join(room)];
    // The pinger's ping is answered by the runtime (auto-response), which records when.
    pinger.send("ping");
    expect(await pinger.nextText()).toBe("pong");
    await setClock(room, () => Date.now());
    expect((await talker.request("{}")).type).toBe("error");

    await setClock(room, () => Date.now() + 5_000);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await silent.closeEvent()).toEqual({ code: CLOSE_CODES.idle, reason: expect.stringContaining("40 s") });
    for (const alive of [talker, pinger]) {
      alive.send("ping");
      expect(await alive.nextText()).toBe("pong");
    }
    expect(await room.connections()).toEqual({ market: 2, alerts: 0 });
  });

  it("keeps a socket at exactly 40 s of silence and closes it just after", async () => {
    const room = freshRoom();
    const start = Date.now();
    await setClock(room, () => start);
    const client = await join(room);
    await setClock(room, () => start + IDLE_TIMEOUT_MS);
    await runDurableObjectAlarm(room);
    expect(await room.connections()).toEqual({ market: 1, alerts: 0 });
    await setClock(room, () => start + IDLE_TIMEOUT_MS + 1);
    await runDurableObjectAlarm(room);
    expect((await client.closeEvent()).code).toBe(CLOSE_CODES.idle);
  });

  it("sweeps every few seconds while it holds sockets, and stops once it is empty", async () => {
    const room = freshRoom();
    await join(room);
    const alarmAt = () => runInDurableObject(room, (_instance, state) => state.storage.getAlarm());
    expect(await alarmAt()).not.toBeNull();
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await alarmAt()).not.toBeNull(); // the socket is active: swept again later

    await setClock(room, () => Date.now() + 10 * IDLE_TIMEOUT_MS);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    expect(await alarmAt()).toBeNull();
  });
});

describe("StreamRoom: connections", () => {
  it("admits exactly the per-account cap under 150 concurrent upgrades", async () => {
    const room = freshRoom();
    const connection = seed();
    const responses = await Promise.all(Array.from({ length: 150 }, () => roomUpgrade(room, connection)));
    const accepted = responses.filter((r) => r.status === 101);
    expect(accepted).toHaveLength(100);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(50);
    for (const res of accepted) open.push(new Client(res.webSocket as WebSocket));
    expect(await room.connections()).toEqual({ market: 100, alerts: 0 });
  });

  it("refuses a forwarded upgrade without a valid seed", async () => {
    const room = freshRoom();
    const res = await room.fetch("https://stream-room.internal/connect", {
      headers: { Upgrade: "websocket", "X-Stream-Connection": '{"endpoint":"admin"}' },
    });
    expect(res.status).toBe(400);
    expect(res.webSocket).toBeNull();
  });
});

describe("StreamRoom: publishing", () => {
  it("rebuilds its subscriptions from the socket attachments after losing its memory (hibernation)", async () => {
    const room = freshRoom();
    const client = await join(room);
    // No D1 symbol here: a room-level subscription to an unknown symbol is refused…
    expect((await client.request({ action: "subscribe", channel: "market", symbols: ["ZZZ-USDT"] })).error.code).toBe(
      "MARKET_001",
    );
    await env.DB.prepare(
      "INSERT OR IGNORE INTO market_symbols (symbol, base, quote, exchange, created_at) VALUES ('ROOM-USDT', 'ROOM', 'USDT', 'test', 0)",
    ).run();
    await client.request({ action: "subscribe", channel: "market", symbols: ["ROOM-USDT"] });
    expect(await room.publishMarket({ tickers: [ticker("ROOM-USDT", "1", "2024-01-01T00:00:00.000Z")] })).toBe(1);
    expect(await client.next()).toMatchObject({ price: "1" });

    // What hibernation does to the object: its memory goes, its sockets and their attachments stay.
    await runInDurableObject(room, (instance: StreamRoom) => {
      (instance as unknown as { index: unknown }).index = null;
    });
    expect(await room.publishMarket({ tickers: [ticker("ROOM-USDT", "2", "2024-01-01T00:00:01.000Z")] })).toBe(1);
    expect(await client.next()).toMatchObject({ price: "2" });
  });

  it("never lets an older ticker overtake a newer one already sent", async () => {
    const room = freshRoom();
    await env.DB.prepare(
      "INSERT OR IGNORE INTO market_symbols (symbol, base, quote, exchange, created_at) VALUES ('ORDER-USDT', 'ORDER', 'USDT', 'test', 0)",
    ).run();
    const client = await join(room);
    await client.request({ action: "subscribe", channel: "market", symbols: ["ORDER-USDT"] });
    expect(await room.publishMarket({ tickers: [ticker("ORDER-USDT", "2", "2024-01-01T00:00:02.000Z")] })).toBe(1);
    expect(await room.publishMarket({ tickers: [ticker("ORDER-USDT", "1", "2024-01-01T00:00:01.000Z")] })).toBe(0);
    expect(await room.publishMarket({ tickers: [ticker("ORDER-USDT", "3", "2024-01-01T00:00:03.000Z")] })).toBe(1);
    expect((await client.next()).price).toBe("2");
    expect((await client.next()).price).toBe("3");
  });

  it("sends nothing to sockets of the other endpoint or that follow nothing", async () => {
    const room = freshRoom();
    await join(room);
    await join(room, seed({ endpoint: "alerts" }));
    expect(await room.publishMarket({ tickers: [ticker("NONE-USDT", "1", "2024-01-01T00:00:00.000Z")] })).toBe(0);
    expect(
      await room.publishAlerts([
        {
          message: {
            type: "anomaly_alert",
            data: {
              token_address: "11111111111111111111111111111111",
              risk_score: 0.5,
              anomaly_type: "volume_spike",
              timestamp: "2024-01-01T00:00:00Z",
              details: {},
            },
          },
          account_ids: ["usr_nobody"],
        },
      ]),
    ).toBe(0);
  });
});
