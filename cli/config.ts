/**
 * The CLI's user config file: base URL and credentials (a session's tokens or an API key),
 * readable by its owner only (0600, in a 0700 directory), replaced atomically on every write.
 * The session store it backs locks refreshes across processes, so two `parapet` commands run at
 * once never present the same refresh token (the second would end the session as stolen).
 */
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Session, SessionStore } from "../src/client";

/** What the config file holds. */
export interface CliConfig {
  url?: string;
  session?: Session;
  api_key?: { key: string; secret?: string };
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const LOCK_WAIT_MS = 15_000;
const STALE_LOCK_MS = 30_000;

/** `PARAPET_CONFIG`, else `$XDG_CONFIG_HOME/parapet/config.json`, else `~/.config/parapet/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PARAPET_CONFIG) return env.PARAPET_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "parapet", "config.json");
}

/** Reads the config (empty when there is none). A file others can read is narrowed to 0600 first, with a warning. */
export function readConfig(path: string, warn: (line: string) => void = () => {}): CliConfig {
  let text: string;
  try {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      chmodSync(path, FILE_MODE);
      warn(`${path} was readable by others (mode ${mode.toString(8)}); changed to 600`);
    }
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as CliConfig) : {};
  } catch {
    throw new Error(`${path} is not valid JSON: fix or delete it`);
  }
}

/**
 * Writes the config: a new file created 0600 next to the old one, then renamed over it, so a
 * crash never leaves half a file and the secret is never readable by others, not even briefly.
 * The mode is checked afterwards (a umask or an odd file system must not widen it).
 */
export function writeConfig(path: string, config: CliConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(temporary, "wx", FILE_MODE);
  try {
    writeSync(fd, `${JSON.stringify(config, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(temporary, FILE_MODE);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  const mode = statSync(path).mode & 0o777;
  if (mode !== FILE_MODE) {
    chmodSync(path, FILE_MODE);
    if ((statSync(path).mode & 0o777) !== FILE_MODE)
      throw new Error(`cannot make ${path} private (mode ${mode.toString(8)})`);
  }
}

/** Changes the config under the lock (read, change, write). */
export async function updateConfig(path: string, change: (config: CliConfig) => CliConfig): Promise<CliConfig> {
  return withLock(path, async () => {
    const next = change(readConfig(path));
    writeConfig(path, next);
    return next;
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `run` holding `<path>.lock` (created exclusively; a lock older than 30 s is taken for abandoned). */
export async function withLock<T>(path: string, run: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx", FILE_MODE));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by another parapet process`);
      await sleep(25 + Math.random() * 50);
    }
  }
  try {
    return await run();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The client's session store backed by the config file. */
export function fileSessionStore(path: string): SessionStore {
  return {
    load: () => readConfig(path).session ?? null,
    save: (session) => {
      const config = readConfig(path);
      if (session) config.session = session;
      else delete config.session;
      writeConfig(path, config);
    },
    lock: (run) => withLock(path, run),
  };
}
