/**
 * A small in-isolate cache: entries expire after `ttlMs`, and the least recently used one is
 * evicted beyond `maxEntries`, so a flood of distinct keys cannot grow an isolate's memory.
 * Each isolate has its own copy; use it only for values that may be served slightly stale.
 * @example const cache = new TtlCache<string, Report>({ ttlMs: 60_000, maxEntries: 500 })
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  constructor(private readonly options: { ttlMs: number; maxEntries: number }) {}

  /** The live value under `key`, or undefined; a hit becomes the most recently used. */
  get(key: K, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= now) return undefined;
    this.entries.set(key, entry); // Map order is insertion order: re-inserting marks it recent.
    return entry.value;
  }

  /** Stores `value` under `key` until `now + ttlMs`. */
  set(key: K, value: V, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.options.ttlMs });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Number of entries held (live or not yet evicted). */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
  }
}
