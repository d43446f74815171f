/** How the CLI prints: aligned tables for people, JSON for scripts, a progress bar on terminals. */

/** Where a command writes; the real process streams, or buffers in tests of the pieces. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr (where progress goes) is a terminal: the bar redraws in place. */
  tty: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: Boolean(process.stderr.isTTY),
};

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Renders rows as a table with a header line; numeric columns are right-aligned. Empty: `(none)`. */
export function table(columns: string[], rows: Array<Array<string | number | null | undefined>>): string {
  if (rows.length === 0) return "(none)\n";
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? "-" : String(cell))));
  const widths = columns.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const numeric = columns.map((_, i) => cells.every((row) => NUMERIC.test(row[i] ?? "") || row[i] === "-"));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(columns.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c))), ...cells.map(line)].join("\n")}\n`;
}

/** `key  value` lines for one object (nested values as JSON). */
export function fields(object: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(object).map((k) => k.length));
  return `${Object.entries(object)
    .map(
      ([key, value]) =>
        `${key.padEnd(width)}  ${typeof value === "object" && value !== null ? JSON.stringify(value) : String(value)}`,
    )
    .join("\n")}\n`;
}

/** Pretty JSON with a trailing newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * A progress reporter: on a terminal one bar redrawn in place, otherwise one line per update
 * (so logs and tests see every step).
 */
export function progress(io: Io, label: string, total: number) {
  const width = 30;
  return {
    update(done: number, note = ""): void {
      const ratio = total === 0 ? 1 : Math.min(1, done / total);
      const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
      const filled = Math.round(ratio * width);
      const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
      const text = `${label} ${bar} ${percent} ${done}/${total}${note ? ` ${note}` : ""}`;
      if (io.tty) io.err(`\r${text}`);
      else io.err(`${text}\n`);
    },
    finish(): void {
      if (io.tty) io.err("\n");
    },
  };
}
