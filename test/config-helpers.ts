import { ConfigError, parseConfig } from "../src/config";

/** The smallest environment that parses: the two required secrets. */
export const VALID = {
  JWT_SECRET: "x".repeat(32),
  ENCRYPTION_KEY: btoa(String.fromCharCode(...new Uint8Array(32))),
};

/** The problems `parseConfig` reports for `env` (empty when it parses). */
export function problems(env: Record<string, unknown>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
