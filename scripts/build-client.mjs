#!/usr/bin/env node
// `npm run client:build`: builds the client SDK for `parapet/client` and the `parapet` CLI into
// dist-client/ (git-ignored; the Worker's bundle never includes either):
//   index.js   the SDK as one ES module for browsers, Node ≥ 20 and Workers (esbuild)
//   cli.mjs    the CLI for Node (esbuild; `ws` stays an import, loaded only by `alerts watch`)
//   types/     declarations (tsc), with `.js` added to relative imports so every resolver reads them
// Each file is written next to its final name and renamed into place, so a concurrent build or
// a running CLI never sees half a file. `bin/parapet.mjs` calls buildCli() when sources are newer.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const OUT = join(ROOT, "dist-client");
const unique = () => `${process.pid}.${Math.random().toString(36).slice(2)}`;

async function bundle(entry, outfile, options) {
  mkdirSync(dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${unique()}.tmp`;
  // Imported here, not at the top: bin/parapet.mjs loads this module on every run to check freshness.
  const { build } = await import("esbuild");
  try {
    await build({
      entryPoints: [join(ROOT, entry)],
      outfile: temporary,
      bundle: true,
      format: "esm",
      target: "es2022",
      logLevel: "warning",
      ...options,
    });
    renameSync(temporary, outfile);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** The CLI bundle (all `bin/parapet.mjs` needs). */
export function buildCli() {
  return bundle("cli/main.ts", join(OUT, "cli.mjs"), { platform: "node", target: "node20", external: ["ws"] });
}

/** The SDK bundle, platform-neutral. */
export function buildSdk() {
  return bundle("src/client/index.ts", join(OUT, "index.js"), { platform: "neutral" });
}

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

/** The declarations, emitted by tsc into a temporary directory, then swapped in. */
export function buildTypes() {
  const temporary = join(OUT, `types.${unique()}.tmp`);
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.client.json"), "--outDir", temporary], {
      cwd: ROOT,
      stdio: "inherit",
    });
    for (const file of files(temporary)) {
      // Node's resolver wants full file names: "." is "./index.js", "./core" is "./core.js".
      const text = readFileSync(file, "utf8")
        .replace(/(from\s+|import\()(["'])(\.{1,2})\2/g, "$1$2$3/index.js$2")
        .replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']+?)(?<!\.js)\2/g, "$1$2$3.js$2");
      writeFileSync(file, text);
    }
    rmSync(join(OUT, "types"), { recursive: true, force: true });
    renameSync(temporary, join(OUT, "types"));
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

/** Newest modification time (ms) of the files under `paths` (0 when none exist). */
export function newestSource(paths = ["cli", "src/client", "scripts/lib/candles.mjs", "scripts/build-client.mjs"]) {
  let newest = 0;
  for (const path of paths.map((p) => join(ROOT, p))) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    if (!stat.isDirectory()) newest = Math.max(newest, stat.mtimeMs);
    else for (const file of files(path)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await Promise.all([buildSdk(), buildCli()]);
  buildTypes();
  console.log(`built ${OUT}: index.js, cli.mjs, types/`);
}
