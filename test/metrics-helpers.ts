import { call } from "./helpers";

/**
 * Sample values of a scrape, keyed by `name{label="value",...}` with labels sorted. A plain line
 * reader for picking values in runtime tests; the full document is checked with a real parser
 * library and `promtool` in test/node/metrics.test.ts.
 */
export type Samples = Map<string, number>;

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Key of one series: metric name and its labels in sorted order. */
export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return `${name}{${pairs.join(",")}}`;
}

/** Reads every sample line of an exposition text; throws on a line that is not a sample or a comment. */
export function readSamples(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (match[2] ?? "").matchAll(LABEL)) labels[k as string] = v as string;
    samples.set(seriesKey(match[1] as string, labels), Number(match[3]));
  }
  return samples;
}

/** Scrapes `/metrics` through the Worker. */
export async function scrape(headers: Record<string, string> = {}): Promise<Samples> {
  const res = await call("/metrics", { headers });
  if (res.status !== 200) throw new Error(`scrape failed: ${res.status} ${await res.text()}`);
  return readSamples(await res.text());
}

/** One series' value (0 when absent). */
export function value(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  return samples.get(seriesKey(name, labels)) ?? 0;
}

/** How much a series grew between two scrapes. */
export function growth(before: Samples, after: Samples, name: string, labels: Record<string, string> = {}): number {
  return value(after, name, labels) - value(before, name, labels);
}

/** Label sets of a metric present in a scrape (for cardinality checks). */
export function seriesOf(samples: Samples, name: string): string[] {
  return [...samples.keys()].filter((k) => k.startsWith(`${name}{`));
}
