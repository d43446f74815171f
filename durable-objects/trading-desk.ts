import { DurableObject } from "cloudflare:workers";
import { ApiError, type ErrorCode } from "../src/errors";
import {
  type CloseOrder,
  executeClose,
  executeOpen,
  type OpenedPosition,
  type OpenOrder,
} from "../src/services/portfolio/execute";
import type { TradeOutcome } from "../src/services/portfolio/idempotency";
import type { PositionView } from "../src/services/portfolio/view";

/** What a desk call returns: the outcome, or the refusal as plain data (ApiError does not cross RPC). */
export type DeskResult<T> =
  | { ok: true; outcome: TradeOutcome<T> }
  | { ok: false; error: { code: ErrorCode; message: string; details: Record<string, unknown> } };

/**
 * One account's trading desk, named by the account id: runs that account's opens and closes
 * one at a time, so concurrent writes queue here instead of racing in D1 and retrying. It keeps
 * no state of its own (the ledger is in D1), and correctness does not depend on it: each write
 * commits only on top of the exact ledger state it checked (src/services/portfolio/execute.ts).
 * Different accounts never wait for each other.
 */
export class TradingDesk extends DurableObject<Env> {
  /** The end of the queue: the next write starts when this settles. */
  private tail: Promise<unknown> = Promise.resolve();

  /** Opens a position (PORT_001 / PORT_002 / conflict come back as `ok: false`). */
  async open(order: OpenOrder): Promise<DeskResult<OpenedPosition>> {
    return this.inTurn(() => executeOpen(this.env, order));
  }

  /** Closes a position (not_found / conflict come back as `ok: false`). */
  async close(order: CloseOrder): Promise<DeskResult<PositionView>> {
    return this.inTurn(() => executeClose(this.env, order));
  }

  // D1 calls are not storage operations, so the input gate would let calls interleave at each
  // await; this queue is what makes them take turns.
  private inTurn<T>(work: () => Promise<TradeOutcome<T>>): Promise<DeskResult<T>> {
    const run = this.tail.then(async (): Promise<DeskResult<T>> => {
      try {
        return { ok: true, outcome: await work() };
      } catch (err) {
        if (err instanceof ApiError) {
          return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
        }
        throw err; // unexpected: the Worker logs it and answers 500
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }
}
