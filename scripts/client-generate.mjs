#!/usr/bin/env node
// `npm run client:generate`: builds the OpenAPI document from the route schemas (the generator
// that serves GET /openapi.json, without starting a server) and writes the client SDK's types to
// src/client/generated/api.ts. `--check` exits 1 instead when the file is out of date.
// The app and the generator are TypeScript: esbuild bundles them into a temporary module first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { ROOT } from "./lib/local-server.mjs";

const target = join(ROOT, "src", "client", "generated", "api.ts");
const dir = mkdtempSync(join(tmpdir(), "parapet-client-generate-"));
let source;
let paths;
try {
  const outfile = join(dir, "generate.mjs");
  await build({
    stdin: {
      contents: [
        'import { createApp } from "./src/app";',
        'import { generateApiTypes } from "./scripts/lib/openapi-types";',
        'const document = createApp().getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Parapet API", version: "" } });',
        "export const paths = Object.keys(document.paths ?? {}).length;",
        "export const source = generateApiTypes(document);",
      ].join("\n"),
      resolveDir: ROOT,
      loader: "ts",
    },
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  ({ source, paths } = await import(pathToFileURL(outfile).href));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

let current = "";
try {
  current = readFileSync(target, "utf8");
} catch {
  // not generated yet
}
const name = relative(process.cwd(), target);
if (process.argv.includes("--check")) {
  if (current !== source) {
    console.error(`${name} is out of date: run npm run client:generate`);
    process.exit(1);
  }
  console.log(`${name} is up to date`);
} else if (current === source) {
  console.log(`${name} is up to date`);
} else {
  writeFileSync(target, source);
  console.log(`wrote ${name} (${paths} paths)`);
}
