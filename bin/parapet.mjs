#!/usr/bin/env node
// The `parapet` CLI (package.json "bin": `npx parapet …` inside the project). Runs
// dist-client/cli.mjs, first building it from cli/ and src/client/ when it is missing or older
// than its sources (a checkout, an edit), so the command always runs the code in the tree.
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist-client", "cli.mjs");

async function fresh() {
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  // Without sources (an installed package) the built file is all there is.
  if (!existsSync(join(root, "cli", "main.ts"))) return;
  const { buildCli, newestSource } = await import(pathToFileURL(join(root, "scripts", "build-client.mjs")).href);
  if (built < newestSource()) await buildCli();
}

await fresh();
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
