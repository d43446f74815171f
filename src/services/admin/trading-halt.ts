import { readSetting, writeSetting } from "../../db/system-settings";
import { ApiError } from "../../errors";
import { logger } from "../../lib/log";

/**
 * The emergency trading halt [003]. Its state lives in D1 (`system_settings`, key
 * `trading_halt`) and each isolate reads it at most every CACHE_TTL_MS (4 s), so turning it on
 * stops trading writes everywhere within 4 s plus one D1 read (inside the contract's 5 s) and
 * at once in the isolate that turned it on. A request whose copy is stale reads for itself (it
 * never awaits another request's read: src/lib/wait.ts).
 */
export const CACHE_TTL_MS = 4000;
const KEY = "trading_halt";

/** The halt as the API shows it. */
export interface TradingHalt {
  halted: boolean;
  reason: string | null;
  updated_at: string | null;
}

const OPEN: TradingHalt = { halted: false, reason: null, updated_at: null };

let cached: { state: TradingHalt; readAt: number } | null = null;

async function read(db: D1Database): Promise<TradingHalt> {
  const row = await readSetting(db, KEY);
  if (!row) return OPEN;
  const value = JSON.parse(row.value) as { halted?: unknown; reason?: unknown };
  return {
    halted: value.halted === true,
    reason: typeof value.reason === "string" ? value.reason : null,
    updated_at: row.updated_at,
  };
}

/**
 * The current halt state, from the isolate cache when fresh. If D1 cannot be read, the last
 * known state is kept; with none, trading is treated as halted (fail closed: a halt exists for
 * emergencies, and money must not move on a guess).
 */
export async function tradingHalt(db: D1Database, now = Date.now()): Promise<TradingHalt> {
  if (cached && now - cached.readAt < CACHE_TTL_MS) return cached.state;
  try {
    const state = await read(db);
    if (!cached || cached.readAt <= now) cached = { state, readAt: now };
    return state;
  } catch (err) {
    logger.error("trading_halt_unreadable", { error: err instanceof Error ? err.message : String(err) });
    return cached?.state ?? { halted: true, reason: "trading state unavailable", updated_at: null };
  }
}

/**
 * Throws 503 `trading_halted` while the halt is on. For the trading services (portfolio):
 * call it before any write that opens or closes a position.
 * @example await assertTradingOpen(env.DB)
 */
export async function assertTradingOpen(db: D1Database): Promise<void> {
  const state = await tradingHalt(db);
  if (state.halted) {
    throw new ApiError("trading_halted", "Trading is halted by an administrator.", {
      details: { reason: state.reason, since: state.updated_at },
    });
  }
}

/** Turns the halt on or off; this isolate sees the change at once. */
export async function setTradingHalt(
  db: D1Database,
  input: { halted: boolean; reason?: string | null; updatedBy: string; now: number },
): Promise<TradingHalt> {
  const state: TradingHalt = {
    halted: input.halted,
    reason: input.reason ?? null,
    updated_at: new Date(input.now).toISOString(),
  };
  await writeSetting(
    db,
    KEY,
    JSON.stringify({ halted: state.halted, reason: state.reason, updated_by: input.updatedBy }),
    state.updated_at as string,
  );
  cached = { state, readAt: input.now };
  return state;
}

/** Drops this isolate's copy, as a fresh isolate starts (for tests of the cold path). */
export function forgetTradingHalt(): void {
  cached = null;
}
