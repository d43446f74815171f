import type { Config } from "../../config";
import type { DomainEvent } from "../audit/record";
import type { SecurityEvent } from "../audit/security-events";

/**
 * What the identity services need from the outside world, as plain values, so they run (and
 * are tested) without HTTP. Routes build it from the request context.
 */
export interface AuthDeps {
  db: D1Database;
  config: Config;
  /** Epoch milliseconds of the request. */
  now: number;
  /** Records an audit domain event (never pass passwords, tokens or hashes). */
  audit: (event: DomainEvent) => void;
  /** Raises a security event. */
  security: (event: SecurityEvent) => void;
}

/** Trims and lowercases an email, the one spelling stored and compared everywhere. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A random id with a type prefix, e.g. `usr_3f1c2a9e6b1d4f7a9a572f0d`. */
export function newId(prefix: "usr" | "ses"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return `${prefix}_${hex}`;
}
