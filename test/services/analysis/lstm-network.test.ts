import { describe, expect, it } from "vitest";
import {
  backward,
  CACHE_PER_UNIT,
  forward,
  initialParameters,
  type LstmShape,
  layout,
  parameterCount,
} from "../../../src/services/analysis/lstm/network";
import { mulberry32 } from "../../../src/services/analysis/prng";

// One unit, one input. Layout: wx[i,f,g,o], wh[i,f,g,o], b[i,f,g,o], wy, by.
const ONE: LstmShape = { inputSize: 1, hiddenSize: 1 };
const WX = [0.5, -0.3, 0.8, 0.2] as const;
const WH = [0.1, 0.4, -0.6, 0.3] as const;
const B = [0.1, 1.0, -0.2, 0.05] as const;
const PARAMS = Float64Array.from([...WX, ...WH, ...B, 1.5, 0.25]);

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

describe("LSTM forward pass", () => {
  it("lays out 4H·D + 4H·H + 4H + H + 1 parameters", () => {
    expect(parameterCount(ONE)).toBe(14);
    expect(parameterCount({ inputSize: 2, hiddenSize: 8 })).toBe(4 * 8 * 2 + 4 * 8 * 8 + 4 * 8 + 8 + 1);
    expect(layout({ inputSize: 2, hiddenSize: 3 })).toEqual({ wx: 0, wh: 24, b: 60, wy: 72, by: 75, size: 76 });
  });

  it("matches a hand-computed one-step example", () => {
    // x = 0.7, h0 = c0 = 0:
    //   z_i = 0.5·0.7 + 0.1 = 0.45  → i = σ(0.45)  = 0.610639234
    //   z_g = 0.8·0.7 − 0.2 = 0.36  → g = tanh(0.36) = 0.345214034
    //   z_o = 0.2·0.7 + 0.05 = 0.19 → o = σ(0.19)  = 0.547357618
    //   c1 = f·0 + i·g = 0.210801233;  h1 = o·tanh(c1) = 0.113704396
    //   y = 1.5·h1 + 0.25 = 0.420556594
    const result = forward(ONE, PARAMS, Float64Array.of(0.7), 0, 1);
    expect(result.cell[0]).toBeCloseTo(0.21080123335303508, 12);
    expect(result.hidden[0]).toBeCloseTo(0.11370439599203425, 12);
    expect(result.output).toBeCloseTo(0.42055659398805134, 12);
  });

  it("carries memory through the forget gate and the recurrent weights over two steps", () => {
    const xs = [0.7, -0.4];
    let h = 0;
    let c = 0;
    for (const x of xs) {
      const i = sigma(WX[0] * x + WH[0] * h + B[0]);
      const f = sigma(WX[1] * x + WH[1] * h + B[1]);
      const g = Math.tanh(WX[2] * x + WH[2] * h + B[2]);
      const o = sigma(WX[3] * x + WH[3] * h + B[3]);
      c = f * c + i * g;
      h = o * Math.tanh(c);
    }
    const result = forward(ONE, PARAMS, Float64Array.from(xs), 0, 2);
    expect(result.cell[0]).toBeCloseTo(c, 12);
    expect(result.output).toBeCloseTo(1.5 * h + 0.25, 12);
    expect(result.output).not.toBeCloseTo(forward(ONE, PARAMS, Float64Array.of(-0.4), 0, 1).output, 3);
  });

  it("reads a window at an offset without copying", () => {
    const series = Float64Array.of(9, 9, 0.7, -0.4, 9);
    expect(forward(ONE, PARAMS, series, 2, 2).output).toBe(
      forward(ONE, PARAMS, Float64Array.of(0.7, -0.4), 0, 2).output,
    );
  });

  it("starts from seeded weights with forget bias 1 and a zero read-out", () => {
    const shape = { inputSize: 1, hiddenSize: 4 };
    const a = initialParameters(shape, mulberry32(7));
    expect(initialParameters(shape, mulberry32(7))).toEqual(a);
    expect(initialParameters(shape, mulberry32(8))).not.toEqual(a);
    const at = layout(shape);
    expect([...a.subarray(at.b + 4, at.b + 8)]).toEqual([1, 1, 1, 1]);
    expect(forward(shape, a, Float64Array.of(0.3, -1, 2), 0, 3).output).toBe(0);
  });
});

describe("LSTM backpropagation through time", () => {
  const shape = { inputSize: 2, hiddenSize: 3 };
  const steps = 5;
  const rng = mulberry32(42);
  const params = Float64Array.from({ length: parameterCount(shape) }, () => rng() - 0.5);
  const inputs = Float64Array.from({ length: steps * 2 }, () => 2 * rng() - 1);
  const target = 0.3;
  const loss = (p: Float64Array) => 0.5 * (forward(shape, p, inputs, 0, steps).output - target) ** 2;

  function gradient(bptt: number): Float64Array {
    const cache = new Float64Array(steps * CACHE_PER_UNIT * shape.hiddenSize);
    const result = forward(shape, params, inputs, 0, steps, cache);
    const grad = new Float64Array(params.length);
    backward(shape, params, inputs, 0, steps, cache, result, result.output - target, bptt, grad);
    return grad;
  }

  it("agrees with central finite differences when not truncated", () => {
    const grad = gradient(steps);
    const eps = 1e-6;
    for (let k = 0; k < params.length; k++) {
      const plus = Float64Array.from(params);
      const minus = Float64Array.from(params);
      plus[k] = (plus[k] as number) + eps;
      minus[k] = (minus[k] as number) - eps;
      const numeric = (loss(plus) - loss(minus)) / (2 * eps);
      expect(grad[k]).toBeCloseTo(numeric, 7);
    }
  });

  it("truncation drops the gradient from early steps but keeps the read-out's", () => {
    const full = gradient(steps);
    const truncated = gradient(1);
    const at = layout(shape);
    expect([...truncated.subarray(at.wy)]).toEqual([...full.subarray(at.wy)]);
    expect(truncated[at.wx]).not.toBeCloseTo(full[at.wx] as number, 6);
    // With one step kept, the recurrent gradient is driven by h_{T-1} alone: still non-zero.
    expect(truncated.subarray(at.wh, at.b).some((g) => g !== 0)).toBe(true);
  });
});
