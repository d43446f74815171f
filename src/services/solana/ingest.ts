/**
 * Solana webhook ingestion: validates each item, then stores every transfer and price point of
 * the valid ones in one D1 batch (one transaction) before answering, so an accepted event is
 * never lost; (signature, transfer index) and (mint, time) make retried deliveries no-ops.
 * Scanning happens later, in the cron.
 */
import {
  insertPricesStatements,
  insertTransfersStatements,
  type PriceWrite,
  type TransferWrite,
} from "../../db/solana-transfers";
import { parseWebhookItem, type WebhookItem } from "./webhook-items";

/** Most items in one webhook delivery (the 1 MiB body limit usually binds first). */
export const MAX_WEBHOOK_ITEMS = 1000;

/** What a delivery did: items stored, items that were all stored already, items refused. */
export interface IngestOutcome {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; reason: string }>;
}

/**
 * Stores transfers and price points in one transaction and returns which keys were new
 * (`signature:index` for transfers, `mint:time` for prices).
 */
export async function storeEvents(
  db: D1Database,
  events: { transfers: readonly TransferWrite[]; prices: readonly PriceWrite[] },
  source: "webhook" | "rpc",
  now: number,
): Promise<{ transfers: Set<string>; prices: Set<string> }> {
  const transferStatements = insertTransfersStatements(db, events.transfers, source, now);
  const priceStatements = insertPricesStatements(db, events.prices, now);
  const statements = [...transferStatements, ...priceStatements];
  const results = statements.length > 0 ? await db.batch(statements) : [];
  const transfers = new Set<string>();
  const prices = new Set<string>();
  results.forEach((result, i) => {
    for (const row of (result.results ?? []) as Array<Record<string, string | number>>) {
      if (i < transferStatements.length) transfers.add(`${row.signature}:${row.transfer_index}`);
      else prices.add(`${row.mint}:${row.price_time}`);
    }
  });
  return { transfers, prices };
}

/**
 * Validates and stores one webhook delivery. An item counts as accepted when it stored
 * something new or had nothing to store (e.g. a transaction without token transfers), as a
 * duplicate when everything it carries was already stored.
 * @example const { accepted, duplicates, rejected } = await ingestWebhook(env.DB, body)
 */
export async function ingestWebhook(
  db: D1Database,
  items: readonly unknown[],
  now = Date.now(),
): Promise<IngestOutcome> {
  const rejected: IngestOutcome["rejected"] = [];
  const valid: Array<{ index: number; item: WebhookItem }> = [];
  items.forEach((raw, index) => {
    const result = parseWebhookItem(raw, now);
    if (result.ok) valid.push({ index, item: result.item });
    else rejected.push({ index, reason: result.reason });
  });
  const transfers: TransferWrite[] = [];
  const prices: PriceWrite[] = [];
  for (const { item } of valid) {
    if (item.kind === "transaction") transfers.push(...item.transfers);
    else prices.push(item.point);
  }
  const inserted = await storeEvents(db, { transfers, prices }, "webhook", now);
  let accepted = 0;
  let duplicates = 0;
  for (const { item } of valid) {
    const keys =
      item.kind === "transaction"
        ? item.transfers.map((t) => `${t.signature}:${t.transfer_index}`)
        : [`${item.point.mint}:${item.point.time}`];
    const pool = item.kind === "transaction" ? inserted.transfers : inserted.prices;
    // A key belongs to the first item that carries it: a repeat inside one delivery is a duplicate.
    const fresh = keys.filter((k) => pool.delete(k));
    if (keys.length === 0 || fresh.length > 0) accepted++;
    else duplicates++;
  }
  return { accepted, duplicates, rejected };
}
