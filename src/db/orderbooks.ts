/** SQL for `market_orderbooks`: the latest snapshot per symbol, which only moves forward in time. */

export type Level = [price: string, size: string];

/** An order book snapshot: bids descending, asks ascending by price. */
export interface OrderbookSnapshot {
  symbol: string;
  bids: Level[];
  asks: Level[];
  snapshot_time: number;
}

/** The latest snapshot of a symbol, or null. */
export async function readOrderbook(db: D1Database, symbol: string): Promise<OrderbookSnapshot | null> {
  const row = await db
    .prepare("SELECT symbol, bids, asks, snapshot_time FROM market_orderbooks WHERE symbol = ?1")
    .bind(symbol)
    .first<{ symbol: string; bids: string; asks: string; snapshot_time: number }>();
  if (!row) return null;
  return {
    symbol: row.symbol,
    bids: JSON.parse(row.bids) as Level[],
    asks: JSON.parse(row.asks) as Level[],
    snapshot_time: row.snapshot_time,
  };
}

/** Writes snapshots (one per symbol), each only if it is not older than the stored one. */
export function upsertOrderbooksStatement(
  db: D1Database,
  snapshots: readonly OrderbookSnapshot[],
  exchange: string,
  now: number,
): D1PreparedStatement {
  const tuples = snapshots.map((s) => [s.symbol, s.snapshot_time, JSON.stringify(s.bids), JSON.stringify(s.asks)]);
  return db
    .prepare(
      `INSERT INTO market_orderbooks (symbol, snapshot_time, bids, asks, exchange, updated_at)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, ?2, ?3 FROM json_each(?1) WHERE true
       ON CONFLICT (symbol) DO UPDATE SET
         snapshot_time = excluded.snapshot_time, bids = excluded.bids, asks = excluded.asks,
         exchange = excluded.exchange, updated_at = excluded.updated_at
       WHERE excluded.snapshot_time >= market_orderbooks.snapshot_time`,
    )
    .bind(JSON.stringify(tuples), exchange, now);
}

/** Reads back the snapshot times of some symbols (after a write, to see which snapshots won). */
export function selectOrderbookTimesStatement(db: D1Database, symbols: readonly string[]): D1PreparedStatement {
  return db
    .prepare("SELECT symbol, snapshot_time FROM market_orderbooks WHERE symbol IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(symbols));
}
