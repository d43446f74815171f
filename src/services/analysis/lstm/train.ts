import { mulberry32 } from "../prng";
import { backward, CACHE_PER_UNIT, forward, initialParameters, type LstmShape } from "./network";

/**
 * Training settings. The CPU budget is explicit: one call does at most `maxUpdates` optimizer
 * steps of `batchSize` sequences, each costing one forward pass of `seqLen` steps and a backward
 * pass of `bpttSteps` steps, so the cost does not grow with the length of the history.
 */
export interface TrainOptions {
  seqLen: number;
  bpttSteps: number;
  batchSize: number;
  maxUpdates: number;
  learningRate: number;
  /** Global gradient-norm clip. */
  clipNorm: number;
  /** Decoupled (AdamW) weight decay per update, relative to the learning rate. */
  weightDecay: number;
  seed: number;
  /**
   * Share of the latest sequences held out for early stopping (0 = none): every
   * `checkpointEvery` updates the held-out loss is measured and the best weights seen, the
   * starting ones included, are the ones returned. On data with no learnable signal this keeps
   * the network at its "no change" start instead of fitting noise.
   */
  validationFraction: number;
  checkpointEvery: number;
}

/** What a training call did. */
export interface TrainResult {
  params: Float64Array;
  updates: number;
  /** Mean squared error (halved) on (at most 128 of) the training sequences, before and after. */
  lossBefore: number;
  lossAfter: number;
  /** The same on the held-out sequences for the returned weights (NaN without validation). */
  validationLoss: number;
  /** Update count of the returned weights (0 = the starting weights won). */
  bestUpdate: number;
}

// Loss is measured on at most this many evenly spaced samples, so measuring stays bounded too.
const EVAL_SAMPLES = 128;
const VALIDATION_SAMPLES = 128;

/** End indices t (inclusive) of usable sequences: a full window behind t and a finite target at t. */
export function sampleEnds(targets: Float64Array, seqLen: number): number[] {
  const ends: number[] = [];
  for (let t = seqLen - 1; t < targets.length; t++) if (Number.isFinite(targets[t])) ends.push(t);
  return ends;
}

/** Half the mean squared error of the network over the given sequence ends. */
export function meanLoss(
  shape: LstmShape,
  params: Float64Array,
  inputs: Float64Array,
  targets: Float64Array,
  ends: readonly number[],
  seqLen: number,
): number {
  let total = 0;
  for (const t of ends) {
    const offset = (t - seqLen + 1) * shape.inputSize;
    const e = forward(shape, params, inputs, offset, seqLen).output - (targets[t] as number);
    total += 0.5 * e * e;
  }
  return ends.length === 0 ? Number.NaN : total / ends.length;
}

function evenlySpaced(values: readonly number[], count: number): number[] {
  if (values.length <= count) return [...values];
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(values[Math.floor((k * values.length) / count)] as number);
  return out;
}

/**
 * Trains the network to map the `seqLen` inputs ending at t to `targets[t]` (NaN = no target)
 * with mini-batch Adam, truncated BPTT and gradient clipping. Deterministic for a given seed.
 * `inputs` holds `inputSize` values per time step. Starts from `init` when given (a copy is
 * trained), else from seeded random weights.
 */
export function trainSequenceModel(
  shape: LstmShape,
  inputs: Float64Array,
  targets: Float64Array,
  options: TrainOptions,
  init?: Float64Array,
): TrainResult {
  const { seqLen, bpttSteps, batchSize, maxUpdates, learningRate, clipNorm, weightDecay } = options;
  const all = sampleEnds(targets, seqLen);
  if (all.length === 0) throw new RangeError("no training sequences: history shorter than the sequence length");
  const held = Math.floor(all.length * Math.min(0.5, Math.max(0, options.validationFraction)));
  // Held-out sequences are the latest ones, and training ones must not overlap their targets.
  const validationEnds = evenlySpaced(all.slice(all.length - held), VALIDATION_SAMPLES);
  const firstHeld = all[all.length - held] ?? Number.POSITIVE_INFINITY;
  const ends = held > 0 ? all.filter((t) => t < firstHeld - seqLen) : all;
  if (ends.length === 0) throw new RangeError("no training sequences left after the validation split");
  const uniform = mulberry32(options.seed);
  const params = init ? Float64Array.from(init) : initialParameters(shape, uniform);
  const evalEnds = evenlySpaced(ends, EVAL_SAMPLES);
  const lossBefore = meanLoss(shape, params, inputs, targets, evalEnds, seqLen);
  const validate = () => meanLoss(shape, params, inputs, targets, validationEnds, seqLen);
  let best = held > 0 ? { loss: validate(), params: Float64Array.from(params), update: 0 } : null;

  const size = params.length;
  const grad = new Float64Array(size);
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  const cache = new Float64Array(seqLen * CACHE_PER_UNIT * shape.hiddenSize);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let updates = 0;
  for (; updates < maxUpdates; updates++) {
    grad.fill(0);
    for (let s = 0; s < batchSize; s++) {
      const t = ends[Math.floor(uniform() * ends.length)] as number;
      const offset = (t - seqLen + 1) * shape.inputSize;
      const result = forward(shape, params, inputs, offset, seqLen, cache);
      const dOutput = (result.output - (targets[t] as number)) / batchSize;
      backward(shape, params, inputs, offset, seqLen, cache, result, dOutput, bpttSteps, grad);
    }
    let norm = 0;
    for (let k = 0; k < size; k++) norm += (grad[k] as number) ** 2;
    norm = Math.sqrt(norm);
    if (!Number.isFinite(norm)) break; // a poisoned batch must not corrupt the weights
    const clip = norm > clipNorm ? clipNorm / norm : 1;
    const step = updates + 1;
    const correction1 = 1 - beta1 ** step;
    const correction2 = 1 - beta2 ** step;
    for (let k = 0; k < size; k++) {
      const g = (grad[k] as number) * clip;
      m[k] = beta1 * (m[k] as number) + (1 - beta1) * g;
      v[k] = beta2 * (v[k] as number) + (1 - beta2) * g * g;
      const adam = (m[k] as number) / correction1 / (Math.sqrt((v[k] as number) / correction2) + 1e-8);
      params[k] = (params[k] as number) * (1 - learningRate * weightDecay) - learningRate * adam;
    }
    if (best && (step % options.checkpointEvery === 0 || step === maxUpdates)) {
      const loss = validate();
      if (loss < best.loss) best = { loss, params: Float64Array.from(params), update: step };
    }
  }
  const final = best ? best.params : params;
  const lossAfter = meanLoss(shape, final, inputs, targets, evalEnds, seqLen);
  return {
    params: final,
    updates,
    lossBefore,
    lossAfter,
    validationLoss: best ? best.loss : Number.NaN,
    bestUpdate: best ? best.update : updates,
  };
}
