import { describe, expect, it } from "vitest";
import {
  ackMessage,
  type Command,
  errorMessage,
  exceedsMessageLimit,
  MAX_MESSAGE_BYTES,
  parseCommand,
} from "../../../src/services/realtime/protocol";

const TOKEN = "7Lf2U6kZK6TqJ4d4BWK3TYsy7ZrXksu5oEAXpgAHbMR9";
const parse = (endpoint: "market" | "alerts", body: unknown) =>
  parseCommand(endpoint, typeof body === "string" ? body : JSON.stringify(body));

describe("parseCommand", () => {
  it("reads API.md's three client messages", () => {
    expect(parse("market", { action: "subscribe", channel: "market", symbols: ["BTC-USDT", "ETH-USDT"] })).toEqual({
      ok: true,
      command: { action: "subscribe", channel: "market", symbols: ["BTC-USDT", "ETH-USDT"] },
    });
    expect(parse("market", { action: "subscribe", channel: "orderbook", symbol: "BTC-USDT", depth: 10 })).toEqual({
      ok: true,
      command: { action: "subscribe", channel: "orderbook", symbol: "BTC-USDT", depth: 10 },
    });
    expect(parse("alerts", { action: "subscribe", channel: "anomalies", token_addresses: [TOKEN] })).toEqual({
      ok: true,
      command: { action: "subscribe", channel: "anomalies", token_addresses: [TOKEN] },
    });
  });

  it("deduplicates lists, defaults the depth to 10 and reads omitted token_addresses as all monitored", () => {
    expect(parse("market", { action: "unsubscribe", channel: "market", symbols: ["A-B", "A-B"] })).toMatchObject({
      command: { symbols: ["A-B"] },
    });
    expect(parse("market", { action: "subscribe", channel: "orderbook", symbol: "A-B" })).toMatchObject({
      command: { depth: 10 },
    });
    expect(parse("alerts", { action: "subscribe", channel: "anomalies" })).toMatchObject({
      command: { token_addresses: null },
    });
    expect(parse("alerts", { action: "unsubscribe", channel: "anomalies", token_addresses: null })).toMatchObject({
      command: { action: "unsubscribe", token_addresses: null },
    });
  });

  it("ignores unknown fields", () => {
    expect(parse("market", { action: "subscribe", channel: "market", symbols: ["A-B"], id: 7 })).toMatchObject({
      ok: true,
    });
  });

  it.each([
    ["market", "not json", "not valid JSON"],
    ["market", "null", "JSON object"],
    ["market", { channel: "market", symbols: ["A-B"] }, "action"],
    ["market", { action: "SUBSCRIBE", channel: "market", symbols: ["A-B"] }, "action"],
    ["market", { action: "subscribe", channel: "anomalies" }, "/ws/alerts"],
    ["alerts", { action: "subscribe", channel: "market", symbols: ["A-B"] }, "/ws/market"],
    ["alerts", { action: "subscribe", channel: "orderbook", symbol: "A-B" }, "/ws/market"],
    ["market", { action: "subscribe", channel: "market", symbols: "A-B" }, "array"],
    ["market", { action: "subscribe", channel: "market", symbols: ["a-b"] }, "BTC-USDT"],
    ["market", { action: "subscribe", channel: "market", symbols: Array(101).fill("A-B") }, "at most 100"],
    ["market", { action: "subscribe", channel: "orderbook", symbol: "A-B", depth: "10" }, "depth"],
    ["market", { action: "subscribe", channel: "orderbook", symbol: "A-B", depth: 1001 }, "depth"],
    ["alerts", { action: "subscribe", channel: "anomalies", token_addresses: [`${TOKEN}x`] }, "base58"],
    ["alerts", { action: "subscribe", channel: "anomalies", token_addresses: [] }, "empty"],
  ] as const)("refuses %s %j with validation_error naming the problem", (endpoint, body, words) => {
    const parsed = parse(endpoint, body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe("validation_error");
    expect(parsed.error.message).toContain(words);
  });

  it("quotes at most five bad values and cuts long ones", () => {
    const bad = Array.from({ length: 8 }, (_, i) => `bad-${i}-${"x".repeat(100)}`);
    const parsed = parse("market", { action: "subscribe", channel: "market", symbols: bad });
    if (parsed.ok) throw new Error("expected an error");
    expect(parsed.error.message).toContain("and 3 more");
    expect(parsed.error.message.length).toBeLessThan(400);
  });
});

describe("messages", () => {
  it("acknowledges by echoing what changed", () => {
    const commands: Array<[Command, unknown]> = [
      [
        { action: "subscribe", channel: "market", symbols: ["A-B"] },
        { type: "subscribed", channel: "market", symbols: ["A-B"] },
      ],
      [
        { action: "subscribe", channel: "orderbook", symbol: "A-B", depth: 5 },
        { type: "subscribed", channel: "orderbook", symbol: "A-B", depth: 5 },
      ],
      [
        { action: "unsubscribe", channel: "orderbook", symbol: "A-B" },
        { type: "unsubscribed", channel: "orderbook", symbol: "A-B" },
      ],
      [
        { action: "subscribe", channel: "anomalies", token_addresses: null },
        { type: "subscribed", channel: "anomalies", token_addresses: null },
      ],
    ];
    for (const [command, ack] of commands) expect(JSON.parse(ackMessage(command))).toEqual(ack);
  });

  it("writes errors as {type, error: {code, message}}", () => {
    expect(errorMessage({ code: "MARKET_001", message: "Unknown symbol X-Y." })).toBe(
      '{"type":"error","error":{"code":"MARKET_001","message":"Unknown symbol X-Y."}}',
    );
  });
});

describe("exceedsMessageLimit", () => {
  it("allows exactly 1 MiB and refuses one byte more, text or binary", () => {
    expect(exceedsMessageLimit("a".repeat(MAX_MESSAGE_BYTES))).toBe(false);
    expect(exceedsMessageLimit("a".repeat(MAX_MESSAGE_BYTES + 1))).toBe(true);
    expect(exceedsMessageLimit(new ArrayBuffer(MAX_MESSAGE_BYTES))).toBe(false);
    expect(exceedsMessageLimit(new ArrayBuffer(MAX_MESSAGE_BYTES + 1))).toBe(true);
  });

  it("counts UTF-8 bytes, not characters", () => {
    const euros = Math.floor(MAX_MESSAGE_BYTES / 3); // 3 bytes each
    expect(exceedsMessageLimit("€".repeat(euros))).toBe(false);
    expect(exceedsMessageLimit(`${"€".repeat(euros)}ab`)).toBe(true);
    expect(exceedsMessageLimit("😀".repeat(MAX_MESSAGE_BYTES / 4))).toBe(false); // 4 bytes per 2 units
    expect(exceedsMessageLimit(`${"😀".repeat(MAX_MESSAGE_BYTES / 4)}a`)).toBe(true);
  });
});
