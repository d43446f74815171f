#!/usr/bin/env node
// Runs a TypeScript script on Node 20 (which cannot strip types itself): esbuild, already a
// dependency of wrangler, bundles it to a temporary ES module, which is then imported with the
// remaining arguments. Usage: node scripts/run-ts.mjs scripts/<name>.ts [args...]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs <script.ts> [args...]");
  process.exit(2);
}
const dir = mkdtempSync(path.join(tmpdir(), "parapet-ts-"));
const outfile = path.join(dir, "script.mjs");
try {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  process.argv = [process.argv[0], entry, ...args];
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
