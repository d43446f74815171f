import type { Category } from "./decide";

/**
 * The endpoint category of a request (README, "Rate limits"), from its method and decoded
 * path. Matching is by whole path segments after `/api/v1`, so `/api/v1/marketplace` is not
 * market data. Paths outside every category (unknown routes) get only the per-minute bucket.
 * @example categorize("POST", "/api/v1/portfolio/positions") // "trading"
 */
export function categorize(method: string, path: string): Category | null {
  const segments = path.split("/").filter((s) => s.length > 0);
  if (segments[0] !== "api" || segments[1] !== "v1") return null;
  const [area, sub] = [segments[2], segments[3]];
  switch (area) {
    case "market":
    case "analysis":
      return "market";
    case "portfolio":
      return method === "GET" || method === "HEAD" ? "account" : "trading";
    case "keys":
    case "me":
    case "audit-logs":
    case "admin":
      return "account";
    case "token":
    case "monitor":
    case "anomalies":
      return "token";
    case "ingest":
      return sub === "solana" ? "token" : null;
    case "auth":
      return "auth";
    default:
      return null;
  }
}
