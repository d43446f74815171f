/**
 * SECURITY.md is a claim about the test suite: every OWASP row and every seed rule names tests
 * (`file` :: "name"), and each named test must exist in that file, so a renamed or deleted test
 * breaks this check instead of leaving the table stale. (`npm test` runs them all.)
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(import.meta.dirname, "..", "..");
const text = readFileSync(path.join(ROOT, "SECURITY.md"), "utf8");

/** The tests a line names: each `test/…` file followed by ` :: ` and its quoted test names. */
function namedTests(line: string): Array<{ file: string; name: string }> {
  const out: Array<{ file: string; name: string }> = [];
  const parts = line.split("|").flatMap((cell) => cell.split(/(?=`test\/[^`]+` ::)/));
  for (const part of parts) {
    const file = /^`(test\/[^`]+)` ::/.exec(part)?.[1];
    if (!file) continue;
    for (const m of part.matchAll(/"([^"]+)"/g)) out.push({ file, name: m[1] as string });
  }
  return out;
}

const rows = text.split("\n").filter((line) => line.startsWith("| "));

describe("SECURITY.md", () => {
  it("names at least one test on every OWASP API Security Top 10 (2023) row", () => {
    for (let i = 1; i <= 10; i++) {
      const row = rows.find((line) => line.startsWith(`| **API${i} `));
      expect(row, `API${i}`).toBeDefined();
      expect(namedTests(row as string).length, `API${i}`).toBeGreaterThan(0);
    }
  });

  it("names only tests that exist, in the files it names", () => {
    const named = rows.flatMap(namedTests);
    expect(named.length).toBeGreaterThan(60);
    const missing = named.filter(({ file, name }) => {
      const full = path.join(ROOT, file);
      return !existsSync(full) || !readFileSync(full, "utf8").includes(`"${name}"`);
    });
    expect(missing).toEqual([]);
  });

  it("names a test for every seed rule row", () => {
    const lines = text.split("\n");
    const start = lines.findIndex((line) => line.startsWith("| Rule (seed)"));
    const end = lines.findIndex((line, i) => i > start && !line.startsWith("| "));
    const seedRows = lines.slice(start + 2, end);
    expect(seedRows.length).toBeGreaterThanOrEqual(20);
    for (const row of seedRows) expect(namedTests(row).length, row.slice(0, 60)).toBeGreaterThan(0);
  });
});
