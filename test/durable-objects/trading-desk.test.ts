import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeskResult } from "../../durable-objects/trading-desk";
import type { OpenedPosition } from "../../src/services/portfolio/execute";
import type { PositionView } from "../../src/services/portfolio/view";
import { balanceOf, freshSymbol, reconcile, trader } from "../portfolio-helpers";

function deskOf(accountId: string) {
  return env.TRADING_DESK.get(env.TRADING_DESK.idFromName(accountId));
}

describe("TradingDesk", () => {
  it("takes one account's writes in turn: 20 concurrent opens, exactly the 6 that fit, no retries lost", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("1000");
    await balanceOf(headers);
    const desk = deskOf(userId);
    const order = { account_id: userId, symbol, type: "long" as const, size: "15", leverage: 1, price: "1000" };
    const results: DeskResult<OpenedPosition>[] = await Promise.all(Array.from({ length: 20 }, () => desk.open(order)));
    expect(results.filter((r) => r.ok)).toHaveLength(6);
    // Queued, nobody races: every refusal is the balance, never a 409 from exhausted retries.
    const codes = results.flatMap((r) => (r.ok ? [] : [r.error.code]));
    expect(codes).toEqual(Array(14).fill("PORT_001"));
    expect((await reconcile(userId)).marginUsed).toBe(90_000_00000000n);
  });

  it("returns refusals as data and keeps serving after one", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("10");
    await balanceOf(headers);
    const desk = deskOf(userId);
    const refused = await desk.close({ account_id: userId, position_id: "pos_000000000000000000000000", price: "10" });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: "not_found",
        message: "No position pos_000000000000000000000000.",
        details: { position_id: "pos_000000000000000000000000" },
      },
    });
    const opened = await desk.open({ account_id: userId, symbol, type: "long", size: "1", leverage: 1, price: "10" });
    expect(opened.ok && opened.outcome.status).toBe(201);
  });

  it("keeps accounts apart: one account's position is not found through another's desk", async () => {
    const a = await trader();
    const b = await trader();
    const symbol = await freshSymbol("10");
    const opened = await deskOf(a.userId).open({
      account_id: a.userId,
      symbol,
      type: "short",
      size: "1",
      leverage: 1,
      price: "10",
    });
    if (!opened.ok) throw new Error("open failed");
    const theft = (await deskOf(b.userId).close({
      account_id: b.userId,
      position_id: opened.outcome.body.position_id,
      price: "1",
    })) as DeskResult<PositionView>;
    expect(theft.ok ? "closed" : theft.error.code).toBe("not_found");
    await reconcile(a.userId);
  });
});
