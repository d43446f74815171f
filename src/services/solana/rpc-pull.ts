/**
 * Pulls new transfers of monitored mints from `SOLANA_RPC_URL` (every minute, bounded by
 * SOLANA_RPC_MAX_REQUESTS calls per run). Per token, `getSignaturesForAddress(mint)` pages
 * newest first down to the last signature taken in (`until`); each page's transactions come from
 * `getTransaction` (`jsonParsed`, `maxSupportedTransactionVersion: 0`) and are stored like
 * webhook transfers (deduplicated by signature and transfer index; signatures already stored are
 * not fetched again). When more than a page is new, the pull pages back (`before`) over the
 * following runs until it meets the last signature, then moves that mark to the newest one.
 * A first pull starts at the newest page: history before monitoring is not back-filled.
 */
import { getConfig } from "../../config";
import { type RpcCursor, saveRpcCursor, tokensToPull } from "../../db/solana-tokens";
import type { TransferWrite } from "../../db/solana-transfers";
import { storedSignatures } from "../../db/solana-transfers";
import { logger } from "../../lib/log";
import { storeEvents } from "./ingest";
import { RpcError, rpcCall, type SignatureInfo } from "./rpc-client";
import { transfersFromTransaction } from "./rpc-transactions";
import { isTransactionSignature } from "./webhook-items";

/** Signatures asked for per page. */
export const RPC_PAGE_SIZE = 20;
/** `getTransaction` calls in flight at once. */
const PARALLEL_FETCHES = 5;

/** What a pull did. */
export interface PullReport {
  tokens: number;
  requests: number;
  transactions: number;
  transfers: number;
  failures: number;
  rate_limited: boolean;
}

/** One token's page: what to store and where the cursor goes when the whole page was taken in. */
async function pullToken(
  url: string,
  cursor: RpcCursor,
  budget: { left: number },
  timeoutMs: number,
  db: D1Database,
): Promise<{ transfers: TransferWrite[]; transactions: number; next: RpcCursor }> {
  const limit = Math.min(RPC_PAGE_SIZE, budget.left - 1);
  const options: Record<string, unknown> = { limit, commitment: "finalized" };
  if (cursor.rpc_last_signature) options.until = cursor.rpc_last_signature;
  if (cursor.rpc_before) options.before = cursor.rpc_before;
  budget.left--;
  const page = await rpcCall<SignatureInfo[]>(
    url,
    "getSignaturesForAddress",
    [cursor.token_address, options],
    timeoutMs,
  );
  if (!Array.isArray(page)) throw new RpcError("getSignaturesForAddress: the result is not a list", "failed");
  // The cursor is built from these entries: a malformed one fails the token, never moves it.
  if (!page.every((s) => s !== null && typeof s === "object" && isTransactionSignature(s.signature))) {
    throw new RpcError("getSignaturesForAddress: an entry has no valid signature", "failed");
  }
  const succeeded = page.filter((s) => s.err === null || s.err === undefined).map((s) => s.signature);
  const known = await storedSignatures(db, succeeded);
  const wanted = succeeded.filter((s) => typeof s === "string" && !known.has(s)).reverse(); // oldest first
  const transfers: TransferWrite[] = [];
  let transactions = 0;
  for (let i = 0; i < wanted.length; i += PARALLEL_FETCHES) {
    const batch = wanted.slice(i, i + PARALLEL_FETCHES);
    budget.left -= batch.length;
    const results = await Promise.all(
      batch.map((signature) =>
        rpcCall<unknown>(
          url,
          "getTransaction",
          [signature, { encoding: "jsonParsed", maxSupportedTransactionVersion: 0, commitment: "finalized" }],
          timeoutMs,
        ),
      ),
    );
    results.forEach((result, j) => {
      const found = transfersFromTransaction(result, batch[j] as string);
      if (found === null) return;
      transactions++;
      transfers.push(...found);
    });
  }
  const newest = page[0]?.signature ?? null;
  const oldest = page.at(-1)?.signature ?? null;
  let next: RpcCursor;
  if (!cursor.rpc_last_signature) {
    next = { ...cursor, rpc_last_signature: newest, rpc_before: null, rpc_top: null };
  } else if (page.length >= limit && oldest) {
    next = { ...cursor, rpc_before: oldest, rpc_top: cursor.rpc_top ?? newest };
  } else {
    next = {
      ...cursor,
      rpc_last_signature: cursor.rpc_top ?? newest ?? cursor.rpc_last_signature,
      rpc_before: null,
      rpc_top: null,
    };
  }
  return { transfers, transactions, next };
}

/**
 * Runs one pull; null when `SOLANA_RPC_URL` is not set. A rate-limit answer ends the run (the
 * next minute resumes); any other failure skips that token until its next turn. A token's
 * cursor only moves once its whole page is stored.
 * @example await pullSolanaRpc(env, Date.now())
 */
export async function pullSolanaRpc(env: Env, now: number): Promise<PullReport | null> {
  const config = getConfig(env);
  const url = config.SOLANA_RPC_URL;
  if (!url) return null;
  const budget = { left: config.SOLANA_RPC_MAX_REQUESTS };
  const report: PullReport = {
    tokens: 0,
    requests: 0,
    transactions: 0,
    transfers: 0,
    failures: 0,
    rate_limited: false,
  };
  const tokens = await tokensToPull(env.DB, Math.max(1, Math.floor(budget.left / 2)));
  for (const cursor of tokens) {
    if (budget.left < 2) break;
    const before = budget.left;
    try {
      const pulled = await pullToken(url, cursor, budget, config.SOLANA_RPC_TIMEOUT_MS, env.DB);
      const stored = await storeEvents(env.DB, { transfers: pulled.transfers, prices: [] }, "rpc", now);
      await saveRpcCursor(env.DB, pulled.next, now);
      report.tokens++;
      report.transactions += pulled.transactions;
      report.transfers += stored.transfers.size;
    } catch (err) {
      report.failures++;
      const limited = err instanceof RpcError && err.kind === "rate_limited";
      logger.warn("solana_rpc_pull_failed", {
        token: cursor.token_address,
        rate_limited: limited,
        error: err instanceof Error ? err.message : String(err),
      });
      // Its turn is used; the cursor stays where it was, so nothing is skipped.
      await saveRpcCursor(env.DB, cursor, now).catch(() => {});
      if (limited) {
        report.rate_limited = true;
        report.requests += before - budget.left;
        break;
      }
    }
    report.requests += before - budget.left;
  }
  return report;
}
