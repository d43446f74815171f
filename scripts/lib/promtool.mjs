// Runs `promtool check metrics` (Prometheus' own parser and linter) on an exposition text, for
// `npm run check:metrics` and the black-box metrics test. promtool comes with Debian's
// `prometheus` package (`apt-get install prometheus`); without it the check reports that it
// could not run.
import { spawnSync } from "node:child_process";

/**
 * The one lint finding we accept: API.md [000] fixes the name `endpoint_latency_histogram`
 * for a histogram, and promtool's linter dislikes a type name inside a metric name. Anything
 * else (a parse error or any other lint problem) fails the check.
 */
export const ACCEPTED_LINT = ["endpoint_latency_histogram metric name should not include type 'histogram'"];

/** Whether `promtool` is on the PATH. */
export function promtoolAvailable() {
  return spawnSync("promtool", ["--version"], { encoding: "utf8" }).status === 0;
}

/**
 * Lints `text` with `promtool check metrics`. `ok` is true when promtool exits 0, or exits 3
 * (lint problems only) with nothing but the accepted finding.
 */
export function promtoolCheck(text) {
  if (!promtoolAvailable()) return { available: false, ok: false, status: null, output: "promtool not installed" };
  const result = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  const output = `${result.stdout}${result.stderr}`.trim();
  const problems = output.split("\n").filter((line) => line.trim() !== "");
  const unexpected = problems.filter((line) => !ACCEPTED_LINT.includes(line.trim()));
  const ok = result.status === 0 || (result.status === 3 && unexpected.length === 0);
  return { available: true, ok, status: result.status, output, problems, unexpected };
}
