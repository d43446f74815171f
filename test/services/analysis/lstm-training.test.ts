import { describe, expect, it } from "vitest";
import {
  deserialiseLstm,
  LSTM_SETTINGS,
  type LstmParams,
  lstm,
  serialiseLstm,
} from "../../../src/services/analysis/lstm/forecaster";
import { forward, parameterCount } from "../../../src/services/analysis/lstm/network";
import { meanLoss, sampleEnds, type TrainOptions, trainSequenceModel } from "../../../src/services/analysis/lstm/train";
import { decodeWeights, encodeWeights, toFloat32Precision } from "../../../src/services/analysis/lstm/weights";
import { mulberry32, normalDraw } from "../../../src/services/analysis/prng";

const SHAPE = { inputSize: 1, hiddenSize: 8 };
const OPTIONS: TrainOptions = {
  seqLen: 16,
  bpttSteps: 8,
  batchSize: 8,
  maxUpdates: 150,
  learningRate: 0.02,
  clipNorm: 1,
  weightDecay: 0,
  seed: 1,
  validationFraction: 0,
  checkpointEvery: 25,
};

/** A sine wave as inputs; the target at t is the next value. */
function sine(n: number) {
  const inputs = Float64Array.from({ length: n }, (_, t) => Math.sin(0.3 * t));
  const targets = Float64Array.from({ length: n }, (_, t) => (t + 1 < n ? Math.sin(0.3 * (t + 1)) : Number.NaN));
  return { inputs, targets };
}

describe("trainSequenceModel", () => {
  it("reduces the loss on a sine wave", () => {
    const { inputs, targets } = sine(300);
    const result = trainSequenceModel(SHAPE, inputs, targets, OPTIONS);
    expect(result.updates).toBe(150);
    expect(result.lossBefore).toBeGreaterThan(0.1);
    expect(result.lossAfter).toBeLessThan(result.lossBefore / 5);
    expect(meanLoss(SHAPE, result.params, inputs, targets, sampleEnds(targets, 16), 16)).toBeLessThan(
      result.lossBefore / 5,
    );
  });

  it("is reproducible: the same seed gives the same weights, another seed others", () => {
    const { inputs, targets } = sine(120);
    const short = { ...OPTIONS, maxUpdates: 20 };
    const a = trainSequenceModel(SHAPE, inputs, targets, short).params;
    expect(trainSequenceModel(SHAPE, inputs, targets, short).params).toEqual(a);
    expect(trainSequenceModel(SHAPE, inputs, targets, { ...short, seed: 2 }).params).not.toEqual(a);
  });

  it("stops at its update budget, whatever the history length", () => {
    const { inputs, targets } = sine(2000);
    expect(trainSequenceModel(SHAPE, inputs, targets, { ...OPTIONS, maxUpdates: 7 }).updates).toBe(7);
    const untouched = trainSequenceModel(SHAPE, inputs, targets, { ...OPTIONS, maxUpdates: 0 });
    expect(untouched.lossAfter).toBe(untouched.lossBefore);
  });

  it("never returns weights that do worse on the held-out latest sequences than its start (pure noise)", () => {
    const rng = mulberry32(3);
    const inputs = Float64Array.from({ length: 400 }, () => normalDraw(rng));
    const targets = Float64Array.from({ length: 400 }, () => normalDraw(rng));
    const options = { ...OPTIONS, validationFraction: 0.25 };
    const all = sampleEnds(targets, 16);
    const heldOut = all.slice(all.length - Math.floor(all.length * 0.25)); // the latest quarter
    const start = trainSequenceModel(SHAPE, inputs, targets, { ...options, maxUpdates: 0 }).params;
    const result = trainSequenceModel(SHAPE, inputs, targets, options);
    const heldOutLoss = meanLoss(SHAPE, result.params, inputs, targets, heldOut, 16);
    expect(heldOutLoss).toBeCloseTo(result.validationLoss, 12);
    expect(heldOutLoss).toBeLessThanOrEqual(meanLoss(SHAPE, start, inputs, targets, heldOut, 16));
    // Without the held-out check the same budget fits the noise: training loss falls regardless.
    const overfit = trainSequenceModel(SHAPE, inputs, targets, OPTIONS);
    expect(overfit.lossAfter).toBeLessThan(overfit.lossBefore);
  });

  it("learns the sine wave with early stopping on, too", () => {
    const { inputs, targets } = sine(300);
    const result = trainSequenceModel(SHAPE, inputs, targets, { ...OPTIONS, validationFraction: 0.2 });
    expect(result.bestUpdate).toBeGreaterThan(0);
    expect(result.lossAfter).toBeLessThan(result.lossBefore / 5);
  });

  it("refuses a history shorter than one sequence", () => {
    const { inputs, targets } = sine(10);
    expect(() => trainSequenceModel(SHAPE, inputs, targets, OPTIONS)).toThrow(RangeError);
  });

  it("does not let a non-finite batch corrupt the weights", () => {
    const { inputs, targets } = sine(100);
    inputs[50] = Number.NaN;
    const result = trainSequenceModel(SHAPE, inputs, targets, { ...OPTIONS, maxUpdates: 50 });
    expect(result.params.every(Number.isFinite)).toBe(true);
  });
});

describe("weight storage", () => {
  it("round-trips float32 weights exactly through base64", () => {
    const values = Float64Array.from([0.1, -2.5, 1e-7, 3.4e38, 0]);
    const text = encodeWeights(values);
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decodeWeights(text, 5)).toEqual(toFloat32Precision(values));
  });

  it("refuses truncated, oversized, non-base64 and non-finite weights", () => {
    const text = encodeWeights(Float64Array.from([1, 2, 3]));
    expect(() => decodeWeights(text, 4)).toThrow(RangeError);
    expect(() => decodeWeights(text, 2)).toThrow(RangeError);
    expect(() => decodeWeights("%%%", 3)).toThrow(RangeError);
    expect(() => decodeWeights(encodeWeights(Float64Array.from([1, Number.NaN, 3])), 3)).toThrow(/non-finite/);
  });
});

describe("lstm forecaster", () => {
  // Log prices whose returns alternate +1 % / −1 % with a little noise: a pattern an LSTM can learn.
  function alternating(n: number, seed = 5): number[] {
    const rng = mulberry32(seed);
    const y = [Math.log(100)];
    for (let t = 1; t < n; t++) y.push((y[t - 1] as number) + (t % 2 === 0 ? 0.01 : -0.01) + 0.001 * normalDraw(rng));
    return y;
  }

  it("learns an alternating return pattern and calls the next move", () => {
    const y = alternating(400);
    const params = lstm.fit(y, 1);
    // The last return was into an even index (+1 %) or odd (−1 %): the next one is the opposite.
    const lastWasUp = (y.length - 1) % 2 === 0;
    const move = lstm.forecast(params, y, 1) - (y[y.length - 1] as number);
    expect(Math.sign(move)).toBe(lastWasUp ? -1 : 1);
    expect(Math.abs(move)).toBeGreaterThan(0.004);
  });

  it("stores weights at float32 precision and forecasts the same from its serialised form", () => {
    const y = alternating(200);
    const params = lstm.fit(y, 1);
    expect(params.weights.length).toBe(parameterCount({ inputSize: 1, hiddenSize: LSTM_SETTINGS.hiddenSize }));
    expect(params.weights.every((w) => Math.fround(w) === w)).toBe(true);
    const text = serialiseLstm(params);
    expect(text.length).toBeLessThan(4096);
    const restored = deserialiseLstm(text);
    expect(restored).toEqual(params);
    expect(lstm.forecast(restored, y, 1)).toBe(lstm.forecast(params, y, 1));
  });

  it("refuses a tampered or foreign serialised network", () => {
    const params: LstmParams = lstm.fit(alternating(200), 1);
    const good = JSON.parse(serialiseLstm(params));
    const variants = [
      "not json",
      JSON.stringify({ ...good, v: 2 }),
      JSON.stringify({ ...good, hidden: 9 }),
      JSON.stringify({ ...good, scale: -1 }),
      JSON.stringify({ ...good, w: good.w.slice(0, -8) }),
      JSON.stringify({ ...good, seq: 0 }),
    ];
    for (const text of variants) expect(() => deserialiseLstm(text)).toThrow(RangeError);
  });

  it("trains per horizon and refuses to answer for another one", () => {
    const y = alternating(200);
    const params = lstm.fit(y, 4);
    expect(params.horizon).toBe(4);
    expect(Number.isFinite(lstm.forecast(params, y, 4))).toBe(true);
    expect(() => lstm.forecast(params, y, 1)).toThrow(RangeError);
  });

  it("gives no forecast from fewer returns than its window", () => {
    const y = alternating(200);
    const params = lstm.fit(y, 1);
    expect(lstm.forecast(params, y.slice(0, params.seqLen), 1)).toBeNaN();
  });

  it("forecasts no change before any training (zero read-out)", () => {
    const params = lstm.fit(alternating(200), 1);
    const silent = { ...params, weights: params.weights.map((w, k) => (k >= params.weights.length - 9 ? 0 : w)) };
    const y = alternating(100, 9);
    expect(forward({ inputSize: 1, hiddenSize: 8 }, silent.weights, Float64Array.of(1, 2), 0, 2).output).toBe(0);
    expect(lstm.forecast(silent, y, 1)).toBe(y[y.length - 1]);
  });
});
