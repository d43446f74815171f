import { ApiError } from "../errors";

/**
 * Opaque cursors for keyset pagination: the last row's sort key as base64url JSON. Clients treat
 * them as opaque; a cursor that does not decode to the expected shape is a 400, never a 500.
 */

/** Encodes a keyset position. */
export function encodeCursor(position: Record<string, string | number>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes a cursor whose fields must have the given types; throws 400 `validation_error`
 * (path `query.cursor`) otherwise.
 */
export function decodeCursor<T extends Record<string, "string" | "number">>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends "number" ? number : string } {
  const invalid = () =>
    new ApiError("validation_error", "query.cursor: not a cursor returned by this endpoint", {
      details: { issues: [{ path: "query.cursor", message: "not a cursor returned by this endpoint" }] },
    });
  let value: unknown;
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    value = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
  } catch {
    throw invalid();
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw invalid();
  const record = value as Record<string, unknown>;
  for (const [key, type] of Object.entries(shape)) {
    const field = record[key];
    if (typeof field !== type) throw invalid();
    if (type === "number" && !Number.isSafeInteger(field)) throw invalid();
    if (type === "string" && (field as string).length > 128) throw invalid();
  }
  return record as { [K in keyof T]: T[K] extends "number" ? number : string };
}
