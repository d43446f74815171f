/**
 * Validation of the items a Helius-style webhook posts (no I/O): enhanced transactions, whose
 * `tokenTransfers` become transfer events, and `{"type": "PRICE"}` points. Each item is checked
 * on its own; an item with any bad field is refused whole, so a transfer's index always means
 * its position in the transaction as sent.
 */
import bs58 from "bs58";
import type { PriceWrite, TransferWrite } from "../../db/solana-transfers";
import { decodeSolanaAddress } from "../../lib/solana";
import { isAmount, normalizeAmount, numberToAmount } from "./amounts";

/** Most token transfers accepted in one transaction. */
export const MAX_TRANSFERS_PER_TRANSACTION = 1000;
/** Earliest accepted event time (2020-03-16, Solana's mainnet beta), epoch seconds. */
const EARLIEST_SECONDS = 1_584_316_800;
/** Clock skew tolerated for event times in the future. */
const FUTURE_SKEW_MS = 5 * 60_000;
/** Largest accepted USD price. */
const MAX_PRICE_USD = 1_000_000_000_000;

/** A valid item: a transaction's transfers (possibly none), or a price point. */
export type WebhookItem =
  | { kind: "transaction"; signature: string; transfers: TransferWrite[] }
  | { kind: "price"; point: PriceWrite };

export type ItemResult = { ok: true; item: WebhookItem } | { ok: false; reason: string };

class Refusal extends Error {}

const refuse = (reason: string): never => {
  throw new Refusal(reason);
};

/** True for the base58 spelling of a 64-byte transaction signature. */
export function isTransactionSignature(value: unknown): value is string {
  if (typeof value !== "string" || value.length < 64 || value.length > 88) return false;
  try {
    const bytes = bs58.decode(value);
    return bytes.length === 64 && bs58.encode(bytes) === value;
  } catch {
    return false;
  }
}

function address(value: unknown, field: string): string {
  if (typeof value !== "string" || decodeSolanaAddress(value) === null) {
    refuse(`${field}: must be a base58 Solana address that decodes to 32 bytes`);
  }
  return value as string;
}

/** A wallet that may be absent: Helius sends "" for the missing side of mints and burns. */
function optionalWallet(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  return address(value, field);
}

function epochSeconds(value: unknown, field: string, now: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) refuse(`${field}: must be an integer (epoch seconds)`);
  const seconds = value as number;
  if (seconds < EARLIEST_SECONDS) refuse(`${field}: is before Solana's mainnet (epoch seconds, not milliseconds)`);
  if (seconds * 1000 > now + FUTURE_SKEW_MS) refuse(`${field}: is in the future`);
  return seconds * 1000;
}

function tokenAmount(value: unknown, field: string): string {
  if (typeof value === "number") {
    const amount = numberToAmount(value);
    if (amount === null) refuse(`${field}: must be a non-negative number of token units`);
    return amount as string;
  }
  if (typeof value === "string" && isAmount(value)) return normalizeAmount(value);
  return refuse(`${field}: must be a non-negative number of token units`);
}

function priceUsd(value: unknown): string {
  const text = typeof value === "number" ? numberToAmount(value) : typeof value === "string" ? value : null;
  if (text === null || !isAmount(text)) return refuse("price_usd: must be a positive number or decimal string");
  const normalized = normalizeAmount(text);
  const n = Number(normalized);
  if (!(n > 0) || n > MAX_PRICE_USD) refuse(`price_usd: must be above 0 and at most ${MAX_PRICE_USD}`);
  return normalized;
}

function parsePrice(item: Record<string, unknown>, now: number): WebhookItem {
  return {
    kind: "price",
    point: {
      mint: address(item.mint, "mint"),
      price_usd: priceUsd(item.price_usd),
      time: epochSeconds(item.timestamp, "timestamp", now),
    },
  };
}

function parseTransaction(item: Record<string, unknown>, now: number): WebhookItem {
  if (!isTransactionSignature(item.signature)) refuse("signature: must be a base58 transaction signature (64 bytes)");
  const signature = item.signature as string;
  const time = epochSeconds(item.timestamp, "timestamp", now);
  const slot = item.slot;
  if (slot !== undefined && slot !== null && !(typeof slot === "number" && Number.isSafeInteger(slot) && slot >= 0)) {
    refuse("slot: must be a non-negative integer");
  }
  const list = item.tokenTransfers ?? [];
  if (!Array.isArray(list)) return refuse("tokenTransfers: must be an array");
  if (list.length > MAX_TRANSFERS_PER_TRANSACTION) {
    refuse(`tokenTransfers: at most ${MAX_TRANSFERS_PER_TRANSACTION} transfers per transaction`);
  }
  const transfers = list.map((raw, i): TransferWrite => {
    const field = `tokenTransfers[${i}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) refuse(`${field}: must be an object`);
    const t = raw as Record<string, unknown>;
    return {
      mint: address(t.mint, `${field}.mint`),
      signature,
      transfer_index: i,
      slot: typeof slot === "number" ? slot : null,
      time,
      from: optionalWallet(t.fromUserAccount, `${field}.fromUserAccount`),
      to: optionalWallet(t.toUserAccount, `${field}.toUserAccount`),
      amount: tokenAmount(t.tokenAmount, `${field}.tokenAmount`),
    };
  });
  // A failed transaction moved nothing: accepted, with no transfers to store.
  const failed = item.transactionError !== undefined && item.transactionError !== null;
  return { kind: "transaction", signature, transfers: failed ? [] : transfers };
}

/**
 * Validates one webhook item.
 * @example parseWebhookItem({ type: "PRICE", mint, price_usd: "1.5", timestamp: 1767225600 }, Date.now())
 */
export function parseWebhookItem(raw: unknown, now: number): ItemResult {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: "item: must be an object (an enhanced transaction or a PRICE point)" };
  }
  const item = raw as Record<string, unknown>;
  try {
    return { ok: true, item: item.type === "PRICE" ? parsePrice(item, now) : parseTransaction(item, now) };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, reason: err.message };
    throw err;
  }
}
