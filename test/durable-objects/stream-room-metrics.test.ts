import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { growth, scrape } from "../metrics-helpers";
import { Client, roomUpgrade, seed } from "../ws-helpers";

// On its own in this file: the gauge sums every room of the runtime, so sockets of other tests
// closing meanwhile would move it too.
describe("StreamRoom: metrics", () => {
  it("reports websocket_connections_active per endpoint, and the drop when a socket closes", async () => {
    const room = env.ROOMS.get(env.ROOMS.idFromName(`test-room-${crypto.randomUUID()}`));
    const join = async (connection = seed()) =>
      new Client((await roomUpgrade(room, connection)).webSocket as WebSocket);
    const before = await scrape();
    const clients = [await join(), await join(), await join(seed({ endpoint: "alerts" }))];
    const market = async () => growth(before, await scrape(), "websocket_connections_active", { channel: "market" });
    await vi.waitUntil(async () => (await market()) === 2, { timeout: 5_000, interval: 100 });
    expect(growth(before, await scrape(), "websocket_connections_active", { channel: "alerts" })).toBe(1);

    (clients[0] as Client).close();
    await vi.waitUntil(async () => (await market()) === 1, { timeout: 5_000, interval: 100 });
    for (const client of clients) client.close();
  });
});
