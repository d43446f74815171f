/**
 * Walk-forward backtest of the forecasting models over candle CSV files
 * (`open_time,open,high,low,close,volume`, open_time in epoch ms), printing markdown tables:
 *
 *   npm run backtest -- data/candles/BTCUSDT-1d.csv [more.csv ...] [--no-lstm] [--lstm-refit=N]
 *     [--stats-refit=N] [--timing]
 *
 * Hourly files are scored for the 1h and 4h timeframes, daily files for 1d. `--timing` also
 * measures one LSTM training call on 200- and 500-candle histories.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { backtestSeries, type ModelScore } from "../src/services/analysis/backtest";
import { trainModel } from "../src/services/analysis/forecast";
import { LSTM_SETTINGS, lstm } from "../src/services/analysis/lstm/forecaster";
import { FORECAST_TIMEFRAMES, TIMEFRAMES } from "../src/services/analysis/timeframes";

interface Candles {
  times: number[];
  closes: number[];
  interval: "1h" | "1d";
}

function parseCsv(file: string): Candles {
  const lines = readFileSync(file, "utf8").trim().split(/\r?\n/);
  if (!/^open_time,open,high,low,close,volume$/.test(lines[0]?.trim() ?? "")) {
    throw new Error(`${file}: expected header open_time,open,high,low,close,volume`);
  }
  const times: number[] = [];
  const closes: number[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = line.split(",");
    const time = Number(cells[0]);
    const close = Number(cells[4]);
    if (!Number.isSafeInteger(time) || !(close > 0 && Number.isFinite(close))) {
      throw new Error(`${file}:${i + 2}: bad row`);
    }
    if (times.length > 0 && time <= (times[times.length - 1] as number)) {
      throw new Error(`${file}:${i + 2}: rows must be in increasing time order`);
    }
    times.push(time);
    closes.push(close);
  }
  const steps = times.slice(1).map((t, i) => t - (times[i] as number));
  const step = steps.sort((a, b) => a - b)[Math.floor(steps.length / 2)];
  const interval = step === 3_600_000 ? "1h" : step === 86_400_000 ? "1d" : null;
  if (!interval) throw new Error(`${file}: candles must be hourly or daily (median step ${step} ms)`);
  return { times, closes, interval };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(100 * x).toFixed(digits)} %` : "—");

function verdict(s: ModelScore): string {
  if (s.model === "naive") return "(baseline)";
  const significant = s.dmPValue < 0.05;
  if (s.maeRatio < 1) return significant ? "**yes**" : "yes, not significant";
  if (s.maeRatio === 1) return "tie";
  return significant ? "no, significantly worse" : "no (n.s.)";
}

function table(scores: ModelScore[], priceDecimals: number): string {
  const rows = [
    "| model | MAE (USDT) | MAE % | MAE / naive | beats naive? | DM p | direction | 80 % coverage | mean width |",
    "|---|--:|--:|--:|---|--:|--:|--:|--:|",
  ];
  for (const s of scores) {
    const coverage = `${pct(s.coverage)}${s.coverage >= 0.7 && s.coverage <= 0.9 ? "" : " ⚠"}`;
    rows.push(
      `| ${s.model} | ${s.mae.toFixed(priceDecimals)} | ${pct(s.maeLog, 3)} | ${s.maeRatio.toFixed(4)} | ${verdict(s)} | ` +
        `${s.model === "naive" ? "—" : s.dmPValue.toFixed(3)} | ${pct(s.directional)} | ${coverage} | ${pct(s.meanWidth, 2)} |`,
    );
  }
  return rows.join("\n");
}

/** Median CPU time (user + system: what a Worker's CPU limit counts) and wall time of `run`, in ms. */
function measure(run: () => unknown, repeats = 7): { cpu: number; wall: number } {
  run(); // warm-up (JIT), not measured
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    run();
    wall.push(performance.now() - wallStart);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  return { cpu: median(cpu), wall: median(wall) };
}

/** Cost of one LSTM training call and of a whole `trainModel` (what the cron runs) per model. */
function timeTraining(closes: number[], interval: "1h" | "1d", lengths: number[]): string[] {
  const out: string[] = [];
  const timeframe = interval === "1h" ? "1h" : "1d";
  const row = (what: string, length: number, cost: { cpu: number; wall: number }) =>
    `| ${what} | ${interval} | ${length} | ${cost.cpu.toFixed(0)} | ${cost.wall.toFixed(0)} |`;
  for (const length of lengths) {
    const recent = closes.slice(-length);
    const y = recent.map(Math.log);
    out.push(
      row(
        "`lstm.fit` (one training call)",
        length,
        measure(() => lstm.fit(y, TIMEFRAMES[timeframe].horizon)),
      ),
    );
    out.push(
      row(
        "`trainModel` lstm",
        length,
        measure(() => trainModel(recent, timeframe, "lstm"), 5),
      ),
    );
    out.push(
      row(
        "`trainModel` ensemble",
        length,
        measure(() => trainModel(recent, timeframe, "ensemble"), 5),
      ),
    );
  }
  return out;
}

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("--"));
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
if (files.length === 0) {
  console.error(
    "usage: npm run backtest -- <candles.csv> [...] [--no-lstm] [--lstm-refit=N] [--stats-refit=N] [--timing]",
  );
  process.exit(2);
}

const timing: string[] = [];
for (const file of files) {
  const candles = parseCsv(file);
  const timeframes = FORECAST_TIMEFRAMES.filter((tf) => TIMEFRAMES[tf].baseInterval === candles.interval);
  for (const timeframe of timeframes) {
    const hourly = candles.interval === "1h";
    const options = {
      statsRefit: Number(flag("stats-refit") ?? (hourly ? 24 : 7)),
      lstmRefit: Number(flag("lstm-refit") ?? (hourly ? 168 : 30)),
      includeLstm: !args.includes("--no-lstm"),
    };
    const started = performance.now();
    const result = backtestSeries(candles.closes, timeframe, options);
    const seconds = (performance.now() - started) / 1000;
    const last = candles.closes[candles.closes.length - 1] as number;
    const decimals = last >= 1000 ? 2 : last >= 1 ? 4 : 8;
    const spec = TIMEFRAMES[timeframe];
    console.log(`#### ${path.basename(file)} — ${timeframe} (${spec.horizon} × ${spec.baseInterval} ahead)\n`);
    console.log(
      `${result.candles} candles ${day(candles.times[0] as number)} → ${day(candles.times.at(-1) as number)}; ` +
        `${result.scores[0]?.count} forecasts scored, origins ${day(candles.times[result.firstOrigin] as number)} → ` +
        `${day(candles.times[result.lastOrigin] as number)}; up moves ${pct(result.upShare)}; refit every ` +
        `${options.statsRefit} (statistical) / ${options.lstmRefit} (LSTM) candles; ${seconds.toFixed(1)} s.\n`,
    );
    console.log(`${table(result.scores, decimals)}\n`);
  }
  if (args.includes("--timing")) timing.push(...timeTraining(candles.closes, candles.interval, [200, 500]));
}
if (timing.length > 0) {
  const budget = `${LSTM_SETTINGS.maxUpdates} updates × ${LSTM_SETTINGS.batchSize} sequences`;
  console.log(`#### Training cost (median after a warm-up; LSTM budget ${budget} per call)\n`);
  console.log("| what | base interval | candles | CPU ms | wall ms |\n|---|---|--:|--:|--:|");
  console.log(`${timing.join("\n")}\n`);
}
