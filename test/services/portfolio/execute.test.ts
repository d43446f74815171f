import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors";
import { executeClose, executeOpen } from "../../../src/services/portfolio/execute";
import { balanceOf, freshSymbol, reconcile, trader } from "../../portfolio-helpers";

// These call the trading writes directly, without the TradingDesk that normally queues them, to
// show that the ledger's compare-and-swap alone keeps concurrent writes from overspending.
describe("trading writes without the desk", () => {
  it("never lets 20 racing opens spend more than the balance", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("1000");
    await balanceOf(headers);
    const order = { account_id: userId, symbol, type: "long" as const, size: "15", leverage: 1, price: "1000" };
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => executeOpen(env, order)));
    const opened = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    // Racing without the queue, some writes may exhaust their retries (409); none may overspend.
    expect(opened.length).toBeGreaterThanOrEqual(1);
    expect(opened.length).toBeLessThanOrEqual(6);
    for (const err of refused) {
      expect(err).toBeInstanceOf(ApiError);
      expect(["PORT_001", "conflict"]).toContain((err as ApiError).code);
    }
    const books = await reconcile(userId);
    expect(books.marginUsed).toBe(BigInt(opened.length) * 15_000_00000000n);
    expect(books.balance - books.marginUsed >= 0n).toBe(true);
  });

  it("books a racing close once", async () => {
    const { userId, headers } = await trader();
    const symbol = await freshSymbol("100");
    await balanceOf(headers);
    const opened = await executeOpen(env, {
      account_id: userId,
      symbol,
      type: "short",
      size: "4",
      leverage: 2,
      price: "100",
    });
    const close = { account_id: userId, position_id: opened.body.position_id, price: "90" };
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => executeClose(env, close)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const books = await reconcile(userId);
    expect(books.rows.filter((r) => r.kind === "realized_pnl").map((r) => r.amount)).toEqual(["40.00"]);
  });
});
