import { type Role, SCOPES, type Scope } from "../../types";

/** Role → scopes, exactly as API.md "Roles and scopes". */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  developer: ["read:market", "read:analysis", "read:tokens", "read:audit"],
  trader: [
    "read:market",
    "read:analysis",
    "read:tokens",
    "read:portfolio",
    "write:trading",
    "write:monitor",
    "read:audit",
  ],
  admin: SCOPES,
};

/** True when every scope in `wanted` is among `granted`. */
export function hasScopes(granted: readonly Scope[], wanted: readonly Scope[]): boolean {
  return wanted.every((scope) => granted.includes(scope));
}

/** Narrows arbitrary strings (e.g. a token's `permissions` claim) to known scopes. */
export function parseScopes(values: unknown): Scope[] | null {
  if (!Array.isArray(values)) return null;
  const known = new Set<string>(SCOPES);
  const out: Scope[] = [];
  for (const value of values) {
    if (typeof value !== "string" || !known.has(value)) return null;
    out.push(value as Scope);
  }
  return out;
}
