import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  assertTradingOpen,
  CACHE_TTL_MS,
  forgetTradingHalt,
  setTradingHalt,
  tradingHalt,
} from "../../../src/services/admin/trading-halt";

describe("trading halt state", () => {
  it("is open until set, and assertTradingOpen throws trading_halted while halted", async () => {
    expect(await tradingHalt(env.DB, Date.now() + 10 * CACHE_TTL_MS)).toMatchObject({ halted: false });
    await assertTradingOpen(env.DB);
    await setTradingHalt(env.DB, { halted: true, reason: "drill", updatedBy: "usr_x", now: Date.now() });
    await expect(assertTradingOpen(env.DB)).rejects.toMatchObject({ code: "trading_halted", status: 503 });
    await setTradingHalt(env.DB, { halted: false, updatedBy: "usr_x", now: Date.now() });
    await assertTradingOpen(env.DB);
  });

  it("sees a halt set by another isolate once its copy is older than the cache TTL", async () => {
    const now = Date.now();
    await setTradingHalt(env.DB, { halted: false, updatedBy: "usr_x", now });
    // Another isolate turns the halt on: only D1 changes here.
    await env.DB.prepare("UPDATE system_settings SET value = ?1 WHERE key = 'trading_halt'")
      .bind(JSON.stringify({ halted: true, reason: "elsewhere" }))
      .run();
    expect((await tradingHalt(env.DB, now + CACHE_TTL_MS - 1)).halted).toBe(false);
    expect(await tradingHalt(env.DB, now + CACHE_TTL_MS)).toMatchObject({ halted: true, reason: "elsewhere" });
    await setTradingHalt(env.DB, { halted: false, updatedBy: "usr_x", now: Date.now() });
  });

  it("keeps the last known state when D1 cannot be read, and fails closed without one", async () => {
    await setTradingHalt(env.DB, { halted: false, updatedBy: "usr_x", now: Date.now() });
    await env.DB.exec("ALTER TABLE system_settings RENAME TO system_settings_away");
    try {
      expect((await tradingHalt(env.DB, Date.now() + 100 * CACHE_TTL_MS)).halted).toBe(false);
      forgetTradingHalt();
      await expect(assertTradingOpen(env.DB)).rejects.toMatchObject({ code: "trading_halted" });
    } finally {
      await env.DB.exec("ALTER TABLE system_settings_away RENAME TO system_settings");
      forgetTradingHalt();
    }
    await assertTradingOpen(env.DB);
  });
});
