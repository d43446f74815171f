/** Opaque list cursors: a tagged position as base64url JSON, checked on the way back in. */
import { ApiError } from "../../errors";

/** Encodes a list position (`tag` names the list, so one list's cursor is refused by another). */
export function encodeCursor(tag: string, position: readonly (string | number)[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify([tag, ...position]));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes a cursor of list `tag` whose position is a number then a string (a time and an id);
 * anything else is a 400 `validation_error` on `query.cursor`.
 */
export function decodeCursor(tag: string, cursor: string): { time: number; id: string } {
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const value: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
    if (Array.isArray(value) && value.length === 3 && value[0] === tag) {
      const [, time, id] = value;
      if (Number.isSafeInteger(time) && typeof id === "string" && id.length <= 64) return { time, id };
    }
  } catch {
    // reported below
  }
  throw new ApiError("validation_error", "query.cursor: not a cursor of this list.", {
    details: { issues: [{ path: "query.cursor", message: "not a cursor of this list" }] },
  });
}
