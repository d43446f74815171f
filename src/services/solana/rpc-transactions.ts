/**
 * SPL token transfers of a `getTransaction` answer in `jsonParsed` encoding (no I/O).
 * Transfers are the parsed `transfer` / `transferChecked` instructions of the token programs,
 * outer instructions in order, each followed by its inner instructions, numbered in that order
 * (as Helius numbers `tokenTransfers`). Token accounts are resolved to their mint, decimals and
 * owner wallet through the transaction's pre/post token balances.
 */
import type { TransferWrite } from "../../db/solana-transfers";
import { decodeSolanaAddress } from "../../lib/solana";
import { rawToAmount } from "./amounts";

const TOKEN_PROGRAMS = new Set([
  "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", // SPL Token
  "TokenzQdBNbLqP5VEhdkAS6EPFLC1PnBkwHfb9r4bwLzG", // Token-2022
]);
const TRANSFER_TYPES = new Set(["transfer", "transferChecked"]);

interface TokenAccount {
  mint: string;
  owner: string | null;
  decimals: number;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : null;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const addr = (v: unknown): string | null => {
  const s = str(v);
  return s !== null && decodeSolanaAddress(s) !== null ? s : null;
};

function accountKey(key: unknown): string | null {
  return str(key) ?? str(obj(key)?.pubkey);
}

/** Token account address → mint, owner and decimals, from pre and post token balances. */
function tokenAccounts(keys: unknown[], meta: Json): Map<string, TokenAccount> {
  const out = new Map<string, TokenAccount>();
  for (const balance of [...arr(meta.preTokenBalances), ...arr(meta.postTokenBalances)]) {
    const b = obj(balance);
    const index = b?.accountIndex;
    const mint = addr(b?.mint);
    const decimals = obj(b?.uiTokenAmount)?.decimals;
    if (typeof index !== "number" || !mint || typeof decimals !== "number") continue;
    const account = accountKey(keys[index]);
    if (account) out.set(account, { mint, owner: addr(b?.owner), decimals });
  }
  return out;
}

/** Instructions in execution order: each outer instruction followed by its inner ones. */
function orderedInstructions(message: Json, meta: Json): unknown[] {
  const inner = new Map<number, unknown[]>();
  for (const group of arr(meta.innerInstructions)) {
    const g = obj(group);
    if (typeof g?.index === "number") inner.set(g.index, arr(g.instructions));
  }
  return arr(message.instructions).flatMap((ix, i) => [ix, ...(inner.get(i) ?? [])]);
}

/**
 * The token transfers of a `getTransaction` (jsonParsed) result, numbered by position. A failed
 * transaction moved nothing (empty); null when the result is missing or unusable (no block time).
 * @example transfersFromTransaction(result, signature)
 */
export function transfersFromTransaction(result: unknown, signature: string): TransferWrite[] | null {
  const tx = obj(result);
  const meta = obj(tx?.meta);
  const message = obj(obj(tx?.transaction)?.message);
  if (!tx || !meta || !message || typeof tx.blockTime !== "number") return null;
  if (meta.err !== null && meta.err !== undefined) return [];
  const accounts = tokenAccounts(arr(message.accountKeys), meta);
  const slot = typeof tx.slot === "number" ? tx.slot : null;
  const time = tx.blockTime * 1000;
  const out: TransferWrite[] = [];
  let index = -1;
  for (const raw of orderedInstructions(message, meta)) {
    const ix = obj(raw);
    const parsed = obj(ix?.parsed);
    const program = str(ix?.programId);
    const isToken = ix?.program === "spl-token" || (program !== null && TOKEN_PROGRAMS.has(program));
    if (!isToken || !parsed || !TRANSFER_TYPES.has(str(parsed.type) ?? "")) continue;
    index++;
    const info = obj(parsed.info) ?? {};
    const source = accounts.get(str(info.source) ?? "");
    const destination = accounts.get(str(info.destination) ?? "");
    const checked = obj(info.tokenAmount);
    const mint = addr(info.mint) ?? source?.mint ?? destination?.mint ?? null;
    const decimals =
      typeof checked?.decimals === "number" ? checked.decimals : (source?.decimals ?? destination?.decimals);
    const rawAmount = str(checked?.amount) ?? str(info.amount);
    const amount = rawAmount !== null && decimals !== undefined ? rawToAmount(rawAmount, decimals) : null;
    if (!mint || amount === null) continue; // an account the balances do not describe
    out.push({
      mint,
      signature,
      transfer_index: index,
      slot,
      time,
      from: source?.owner ?? addr(info.authority) ?? addr(info.multisigAuthority),
      to: destination?.owner ?? null,
      amount,
    });
  }
  return out;
}
