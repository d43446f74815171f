#!/usr/bin/env node
// Copies the /docs page's scripts and styles from node_modules into public/ (served as Workers
// static assets), so the docs render with no internet access. Run before dev, test and deploy.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const source = dirname(require.resolve("swagger-ui-dist/package.json"));
const target = join(root, "public", "docs-assets");
mkdirSync(target, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  const from = join(source, file);
  if (!existsSync(from)) throw new Error(`prepare-assets: ${from} is missing; run npm install`);
  copyFileSync(from, join(target, file));
}
