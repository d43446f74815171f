import type { Forecaster } from "../forecasters/types";
import { sampleSd } from "../numeric";
import { DEFAULT_SEED } from "../prng";
import { forward, type LstmShape, parameterCount } from "./network";
import { type TrainOptions, trainSequenceModel } from "./train";
import { decodeWeights, encodeWeights, toFloat32Precision } from "./weights";

/**
 * Network size and training budget. Measured cost of one training call is in BENCHMARKS.md;
 * it depends on these numbers only, not on the length of the history.
 */
export const LSTM_SETTINGS = {
  hiddenSize: 8,
  seqLen: 32,
  bpttSteps: 16,
  batchSize: 16,
  maxUpdates: 200,
  learningRate: 0.005,
  clipNorm: 1,
  weightDecay: 0.01,
  seed: DEFAULT_SEED,
  validationFraction: 0.2,
  checkpointEvery: 40,
} as const satisfies TrainOptions & { hiddenSize: number };

// Normalised returns are clipped: one crash candle must not dominate a whole training run.
const CLIP = 5;
const clip = (x: number) => Math.max(-CLIP, Math.min(CLIP, x));

/** A trained network with what it needs to run: the return scale and the horizon it learned. */
export interface LstmParams {
  hiddenSize: number;
  seqLen: number;
  horizon: number;
  /** Standard deviation of one-step log returns in the training window (the normaliser). */
  scale: number;
  /** Float32-precision parameters (exactly what `serialiseLstm` stores). */
  weights: Float64Array;
}

const shapeOf = (hiddenSize: number): LstmShape => ({ inputSize: 1, hiddenSize });

/** Network inputs: normalised one-step log returns; index t holds the return into y[t]. */
function inputsFor(y: readonly number[], scale: number, from = 1): Float64Array {
  const out = new Float64Array(y.length);
  for (let t = Math.max(1, from); t < y.length; t++) out[t] = clip(((y[t] as number) - (y[t - 1] as number)) / scale);
  return out;
}

/**
 * A small LSTM on normalised log returns. It reads the last `seqLen` returns and predicts the
 * normalised `horizon`-step log return directly (no feeding back of its own outputs). Returns
 * are scaled, not centred, so a network that learned nothing forecasts "no change" — the
 * random walk — rather than an extrapolated mean.
 */
export const lstm: Forecaster<LstmParams> = {
  name: "lstm",
  fit(y, horizon) {
    const { hiddenSize, seqLen } = LSTM_SETTINGS;
    const returns: number[] = [];
    for (let t = 1; t < y.length; t++) returns.push((y[t] as number) - (y[t - 1] as number));
    const scale = Math.max(sampleSd(returns), 1e-8);
    const inputs = inputsFor(y, scale);
    const targets = new Float64Array(y.length).fill(Number.NaN);
    const norm = scale * Math.sqrt(horizon);
    // t >= seqLen keeps every window on real returns (inputs[0] is a placeholder).
    for (let t = seqLen; t + horizon < y.length; t++) {
      targets[t] = clip(((y[t + horizon] as number) - (y[t] as number)) / norm);
    }
    const trained = trainSequenceModel(shapeOf(hiddenSize), inputs, targets, LSTM_SETTINGS);
    return { hiddenSize, seqLen, horizon, scale, weights: toFloat32Precision(trained.params) };
  },
  forecast(params, y, horizon) {
    if (horizon !== params.horizon) throw new RangeError(`network trained for horizon ${params.horizon}`);
    if (y.length < params.seqLen + 1) return Number.NaN;
    const from = y.length - params.seqLen;
    const inputs = inputsFor(y, params.scale, from);
    const { output } = forward(shapeOf(params.hiddenSize), params.weights, inputs, from, params.seqLen);
    return (y[y.length - 1] as number) + clip(output) * params.scale * Math.sqrt(horizon);
  },
};

/** JSON text of a trained network, weights as base64 float32 (about 2 kB). */
export function serialiseLstm(params: LstmParams): string {
  return JSON.stringify({
    v: 1,
    hidden: params.hiddenSize,
    seq: params.seqLen,
    horizon: params.horizon,
    scale: params.scale,
    w: encodeWeights(params.weights),
  });
}

/** Parses `serialiseLstm` output, validating every field; throws RangeError when it is not usable. */
export function deserialiseLstm(text: string): LstmParams {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RangeError("stored network is not JSON");
  }
  const r = raw as Record<string, unknown>;
  const positiveInt = (v: unknown, max: number) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= max;
  if (
    r?.v !== 1 ||
    !positiveInt(r.hidden, 64) ||
    !positiveInt(r.seq, 1024) ||
    !positiveInt(r.horizon, 64) ||
    typeof r.scale !== "number" ||
    !(r.scale > 0 && Number.isFinite(r.scale)) ||
    typeof r.w !== "string"
  ) {
    throw new RangeError("stored network has an unknown format");
  }
  const hiddenSize = r.hidden as number;
  const weights = decodeWeights(r.w, parameterCount(shapeOf(hiddenSize)));
  return { hiddenSize, seqLen: r.seq as number, horizon: r.horizon as number, scale: r.scale, weights };
}
