import { describe, expect, it } from "vitest";
import apiMd from "../../docs/API.md?raw";
import { call, json } from "../helpers";

/** Every `METHOD /path` API.md names in code spans, with `{param}` templates as OpenAPI writes them. */
function documentedOperations(): Array<{ method: string; path: string }> {
  const found = new Map<string, { method: string; path: string }>();
  for (const match of apiMd.matchAll(/`(GET|POST|PUT|DELETE|PATCH) (\/[^`\s?]*)/g)) {
    const [, method = "", raw = ""] = match;
    // API.md abbreviates /api/v1 routes in some lists ("POST /auth/login"); the rest are rooted.
    const rooted = /^\/(api\/|\.well-known\/|health$|metrics$|docs$|openapi\.json$|ws\/)/.test(raw);
    const path = rooted ? raw : `/api/v1${raw}`;
    found.set(`${method} ${path}`, { method: method.toLowerCase(), path });
  }
  return [...found.values()];
}

// Served outside the OpenAPI document on purpose: the document itself, its viewer, the
// Prometheus scrape (text format) and the WebSocket upgrades (described by the README and the
// message schemas under components).
const OUTSIDE_DOCUMENT = new Set([
  "get /openapi.json",
  "get /docs",
  "get /metrics",
  "get /ws/market",
  "get /ws/alerts",
]);

describe("the public contract (API.md) and the OpenAPI document", () => {
  it("documents in /openapi.json every operation API.md names", async () => {
    const doc = (await json(await call("/openapi.json"))) as { paths: Record<string, Record<string, unknown>> };
    const operations = documentedOperations();
    expect(operations.length).toBeGreaterThan(40);
    const missing = operations
      .filter(({ method, path }) => !OUTSIDE_DOCUMENT.has(`${method} ${path}`))
      .filter(({ method, path }) => !doc.paths[path]?.[method])
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it("answers every operation API.md names (never the router's 404 for an unknown route)", async () => {
    for (const { method, path } of documentedOperations()) {
      if (path.startsWith("/ws/")) continue; // upgrades: covered by the WebSocket tests
      const concrete = path.replace(/\{[^}]+\}/g, "x");
      const res = await call(concrete, { method: method.toUpperCase() });
      const text = await res.text();
      expect(text, `${method} ${path}`).not.toContain("No route for");
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
    }
  });
});
