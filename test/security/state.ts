/**
 * Snapshots of the application's D1 state, to prove that a refused request changed nothing.
 * Bookkeeping that a refusal itself is meant to write is left out (see BOOKKEEPING).
 */
import { env } from "cloudflare:workers";

// A refusal legitimately writes these: its audit entry (and the chain's spool/anchor), usage
// counts of a known key, failed-login counters and locks, failed-auth IP blocks and the
// security events that go with them. Everything else must be byte-for-byte unchanged.
const BOOKKEEPING = new Set([
  "audit_log",
  "audit_anchor",
  "audit_spool",
  "api_key_usage",
  "login_failures",
  "login_locks",
  "ip_blocks",
  "security_events",
  "d1_migrations",
]);

let tables: string[] | undefined;

async function stateTables(): Promise<string[]> {
  if (!tables) {
    const { results } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
    ).all<{ name: string }>();
    tables = results.map((r) => r.name).filter((name) => !BOOKKEEPING.has(name));
  }
  return tables;
}

async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return [...bytes.slice(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Per table: its row count and a digest of every row, read in one D1 batch. */
export async function snapshot(): Promise<Record<string, string>> {
  const names = await stateTables();
  const results = await env.DB.batch(names.map((name) => env.DB.prepare(`SELECT * FROM "${name}"`)));
  const out: Record<string, string> = {};
  await Promise.all(
    names.map(async (name, i) => {
      const rows = (results[i]?.results ?? []).map((row) => {
        // Moved by the batched usage writer after earlier, answered requests: not this one's doing.
        const { last_used_at: _lastUsed, ...rest } = row as Record<string, unknown>;
        return JSON.stringify(rest);
      });
      out[name] = `${rows.length}:${await digest(rows.sort().join("\n"))}`;
    }),
  );
  return out;
}

/** The tables whose snapshot differs between `before` and `after`. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
}
