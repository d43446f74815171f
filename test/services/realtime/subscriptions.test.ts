import { describe, expect, it } from "vitest";
import { SUBSCRIPTION_LIMITS } from "../../../src/services/realtime/protocol";
import { roomIndexFor } from "../../../src/services/realtime/rooms";
import { applyCommand, emptySubscriptions, type Subscriptions } from "../../../src/services/realtime/subscriptions";

function apply(subs: Subscriptions, command: Parameters<typeof applyCommand>[1]): Subscriptions {
  const result = applyCommand(subs, command);
  if (!result.ok) throw new Error(result.error.message);
  return result.subs;
}

describe("applyCommand", () => {
  it("adds and removes symbols, books and tokens without touching the other kinds", () => {
    let subs = emptySubscriptions();
    subs = apply(subs, { action: "subscribe", channel: "market", symbols: ["A-B", "C-D"] });
    subs = apply(subs, { action: "subscribe", channel: "orderbook", symbol: "A-B", depth: 5 });
    subs = apply(subs, { action: "subscribe", channel: "anomalies", token_addresses: ["t1"] });
    subs = apply(subs, { action: "unsubscribe", channel: "market", symbols: ["A-B", "X-Y"] });
    expect(subs).toEqual({
      symbols: ["C-D"],
      orderbooks: [["A-B", 5]],
      all_alerts: false,
      token_addresses: ["t1"],
    });
  });

  it("changes a book's depth when subscribed again", () => {
    let subs = apply(emptySubscriptions(), { action: "subscribe", channel: "orderbook", symbol: "A-B", depth: 5 });
    subs = apply(subs, { action: "subscribe", channel: "orderbook", symbol: "A-B", depth: 50 });
    expect(subs.orderbooks).toEqual([["A-B", 50]]);
  });

  it("turns all-monitored alerts on, and off together with every token when unsubscribed without addresses", () => {
    let subs = apply(emptySubscriptions(), { action: "subscribe", channel: "anomalies", token_addresses: null });
    subs = apply(subs, { action: "subscribe", channel: "anomalies", token_addresses: ["t1", "t2"] });
    expect(subs).toMatchObject({ all_alerts: true, token_addresses: ["t1", "t2"] });
    subs = apply(subs, { action: "unsubscribe", channel: "anomalies", token_addresses: ["t1"] });
    expect(subs).toMatchObject({ all_alerts: true, token_addresses: ["t2"] });
    subs = apply(subs, { action: "unsubscribe", channel: "anomalies", token_addresses: null });
    expect(subs).toMatchObject({ all_alerts: false, token_addresses: [] });
  });

  it("refuses to grow past each limit and leaves the subscriptions as they were", () => {
    const full = {
      ...emptySubscriptions(),
      orderbooks: Array.from(
        { length: SUBSCRIPTION_LIMITS.orderbooks },
        (_, i) => [`S${i}-USDT`, 10] as [string, number],
      ),
    };
    const result = applyCommand(full, { action: "subscribe", channel: "orderbook", symbol: "NEW-USDT", depth: 1 });
    expect(result).toEqual({ ok: false, error: { code: "validation_error", message: expect.stringContaining("20") } });
    // Re-subscribing one it already follows is not growth.
    expect(applyCommand(full, { action: "subscribe", channel: "orderbook", symbol: "S0-USDT", depth: 1 }).ok).toBe(
      true,
    );
    expect(full.orderbooks).toHaveLength(SUBSCRIPTION_LIMITS.orderbooks);
  });

  it("fits the largest allowed subscriptions in a 16 KiB socket attachment", () => {
    const longSymbol = (i: number) => `${"A".repeat(20)}-${String(i).padStart(20, "0")}`;
    const subs: Subscriptions = {
      symbols: Array.from({ length: SUBSCRIPTION_LIMITS.symbols }, (_, i) => longSymbol(i)),
      orderbooks: Array.from({ length: SUBSCRIPTION_LIMITS.orderbooks }, (_, i) => [longSymbol(i), 1000]),
      all_alerts: true,
      token_addresses: Array.from({ length: SUBSCRIPTION_LIMITS.token_addresses }, () => "1".repeat(44)),
    };
    // JSON is a fair upper bound of the structured-clone size of strings and small numbers.
    expect(new TextEncoder().encode(JSON.stringify(subs)).byteLength + 1024).toBeLessThan(16 * 1024);
  });
});

describe("roomIndexFor", () => {
  it("puts every account in one stable room and spreads accounts over all rooms", () => {
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[roomIndexFor(`usr_${i}`, 8)]++;
    expect(roomIndexFor("usr_42", 8)).toBe(roomIndexFor("usr_42", 8));
    for (const count of counts) expect(count).toBeGreaterThan(800); // within 20% of an even 1,000
  });
});
