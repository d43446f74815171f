import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type AlertDelivery, publishAlerts, publishMarket } from "../../../src/services/realtime/publish";

afterEach(() => {
  vi.restoreAllMocks();
});

function warnings(): string[] {
  const lines: string[] = [];
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  });
  return lines;
}

describe("publish seams", () => {
  it("resolve without throwing when every room refuses the call, and log it once", async () => {
    const lines = warnings();
    // A symbol cannot be serialised for RPC: every room call fails.
    const broken = [{ message: { data: { token_address: "x" }, tag: Symbol("x") }, account_ids: [] }];
    await expect(publishAlerts(env, broken as unknown as AlertDelivery[])).resolves.toBeUndefined();
    const logged = lines.filter((line) => line.includes("stream_publish_failed"));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0] as string)).toMatchObject({ kind: "alerts", rooms: 8, of: 8 });
  });

  it("send nothing for empty updates", async () => {
    const lines = warnings();
    await expect(publishMarket(env, {})).resolves.toBeUndefined();
    await expect(publishMarket(env, { tickers: [], orderbooks: [] })).resolves.toBeUndefined();
    await expect(publishAlerts(env, [])).resolves.toBeUndefined();
    expect(lines).toEqual([]);
  });
});
