// Starts the Worker locally with `wrangler dev` on its own port and state directory, for tests
// and scripts that drive it from outside (CLI tests, browser check, chaos run).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs `wrangler <args>` in the project, throwing with its output on failure. */
export function wrangler(args, options = {}) {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
    ...options,
  });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Applies every D1 migration to the local database kept in `persistTo`. */
export function migrateLocal(persistTo) {
  const args = ["d1", "migrations", "apply", "DB", "--local"];
  if (persistTo) args.push("--persist-to", persistTo);
  return wrangler(args);
}

/** Polls `url` until it answers 200 or the deadline passes. */
export async function waitForHealth(url, timeoutMs = 60_000, child) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} not healthy after ${timeoutMs} ms: ${last}`);
}

/**
 * Starts `wrangler dev` with fresh (or given) persisted state and returns its URL.
 * `vars` are passed with --var (secrets for tests; never real ones).
 */
export async function startLocalServer({ persistTo, vars = {}, port, testScheduled = true, quiet = true } = {}) {
  const dir = persistTo ?? mkdtempSync(join(tmpdir(), "parapet-"));
  migrateLocal(dir);
  const listenPort = port ?? (await freePort());
  const args = [
    WRANGLER,
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(listenPort),
    "--persist-to",
    dir,
    "--inspector-port",
    String(await freePort()),
    "--show-interactive-dev-session=false",
    "--log-level",
    quiet ? "error" : "info",
  ];
  if (testScheduled) args.push("--test-scheduled");
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group, so stopping it also stops the workerd child it spawns.
    detached: true,
  });
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  process.once("exit", () => killGroup("SIGKILL"));
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  child.stderr.on("data", (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${listenPort}`;
  try {
    await waitForHealth(url, 90_000, child);
  } catch (err) {
    killGroup("SIGKILL");
    throw new Error(`${err.message}\n--- wrangler output ---\n${output}`);
  }
  return {
    url,
    persistTo: dir,
    child,
    output: () => output,
    /** Graceful stop of wrangler and workerd. */
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        killGroup("SIGTERM");
        setTimeout(() => killGroup("SIGKILL"), 5000).unref();
      }),
    /** Abrupt stop (SIGKILL to wrangler and workerd), as in a crash. */
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        killGroup("SIGKILL");
      }),
  };
}
