/** Pure helpers that turn request facts into bounded label values. */

/** Route label of requests that matched no route (one fixed value keeps cardinality bounded). */
export const UNMATCHED_ROUTE = "unmatched";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The request method, or `OTHER` for anything outside the standard set (clients can send any token). */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : "OTHER";
}

/**
 * A Hono route path as an OpenAPI-style template: `/api/v1/market/price/:symbol` →
 * `/api/v1/market/price/{symbol}` (`:id{[0-9]+}` and `:id?` become `{id}` too).
 */
export function routeTemplate(path: string): string {
  let out = "";
  let i = 0;
  while (i < path.length) {
    if (path[i] === ":" && (i === 0 || path[i - 1] === "/")) {
      let j = i + 1;
      while (j < path.length && /[A-Za-z0-9_]/.test(path[j] as string)) j++;
      const name = path.slice(i + 1, j);
      if (path[j] === "{") {
        // Skip a regex constraint, which may itself contain braces.
        let depth = 0;
        for (; j < path.length; j++) {
          if (path[j] === "{") depth++;
          else if (path[j] === "}" && --depth === 0) {
            j++;
            break;
          }
        }
      }
      if (path[j] === "?") j++;
      out += `{${name}}`;
      i = j;
    } else {
      out += path[i];
      i++;
    }
  }
  return out;
}

/** `2xx`, `4xx`, … for a status code. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}
