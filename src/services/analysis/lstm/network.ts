/**
 * A one-layer LSTM with a linear read-out, on flat typed arrays (no allocations per step, so a
 * training call inside a Worker stays cheap and predictable).
 *
 * Per step, with gates in the order input i, forget f, cell candidate g, output o:
 *   z = Wx x_t + Wh h_{t-1} + b            (4H values)
 *   i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o)
 *   c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
 * and after the last step: y = wy · h_T + by.
 */

/** Sizes of the network. */
export interface LstmShape {
  inputSize: number;
  hiddenSize: number;
}

/** Offsets of each tensor in the flat parameter vector (row-major matrices). */
export function layout({ inputSize: d, hiddenSize: h }: LstmShape) {
  const wx = 0; // 4H × D
  const wh = wx + 4 * h * d; // 4H × H
  const b = wh + 4 * h * h; // 4H
  const wy = b + 4 * h; // H
  const by = wy + h; // 1
  return { wx, wh, b, wy, by, size: by + 1 };
}

/** Number of parameters of a network of this shape. */
export function parameterCount(shape: LstmShape): number {
  return layout(shape).size;
}

/**
 * Initial parameters drawn from `uniform` (seeded): weights in ±1/√H as common LSTM libraries
 * do, forget-gate bias 1 so memory is kept at first, and a zero read-out so an untrained
 * network outputs exactly 0 (for the forecaster: "no change", the random walk).
 */
export function initialParameters(shape: LstmShape, uniform: () => number): Float64Array {
  const { wx, b, size } = layout(shape);
  const params = new Float64Array(size);
  const scale = 1 / Math.sqrt(shape.hiddenSize);
  for (let k = wx; k < b; k++) params[k] = (2 * uniform() - 1) * scale;
  for (let j = 0; j < shape.hiddenSize; j++) params[b + shape.hiddenSize + j] = 1;
  return params;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Doubles cached per step for backpropagation: h_{t-1}, c_{t-1}, i, f, g, o, tanh(c_t). */
export const CACHE_PER_UNIT = 7;

/** Result of a forward pass over a whole sequence. */
export interface ForwardResult {
  output: number;
  /** Hidden state after the last step. */
  hidden: Float64Array;
  /** Cell state after the last step. */
  cell: Float64Array;
}

/**
 * Runs the network over `steps` inputs read from `inputs` starting at `offset` (each step
 * `inputSize` values). When `cache` (at least steps × 7H doubles) is given, it is filled for
 * `backward`.
 */
export function forward(
  shape: LstmShape,
  params: Float64Array,
  inputs: Float64Array,
  offset: number,
  steps: number,
  cache?: Float64Array,
): ForwardResult {
  const { inputSize: d, hiddenSize: h } = shape;
  const at = layout(shape);
  let hidden = new Float64Array(h);
  let cell = new Float64Array(h);
  let nextHidden = new Float64Array(h);
  let nextCell = new Float64Array(h);
  const z = new Float64Array(4 * h);
  for (let t = 0; t < steps; t++) {
    const x = offset + t * d;
    for (let r = 0; r < 4 * h; r++) {
      let sum = params[at.b + r] as number;
      const wxRow = at.wx + r * d;
      for (let k = 0; k < d; k++) sum += (params[wxRow + k] as number) * (inputs[x + k] as number);
      const whRow = at.wh + r * h;
      for (let j = 0; j < h; j++) sum += (params[whRow + j] as number) * (hidden[j] as number);
      z[r] = sum;
    }
    const base = t * CACHE_PER_UNIT * h;
    for (let j = 0; j < h; j++) {
      const i = sigmoid(z[j] as number);
      const f = sigmoid(z[h + j] as number);
      const g = Math.tanh(z[2 * h + j] as number);
      const o = sigmoid(z[3 * h + j] as number);
      const c = f * (cell[j] as number) + i * g;
      const tc = Math.tanh(c);
      nextCell[j] = c;
      nextHidden[j] = o * tc;
      if (cache) {
        cache[base + j] = hidden[j] as number;
        cache[base + h + j] = cell[j] as number;
        cache[base + 2 * h + j] = i;
        cache[base + 3 * h + j] = f;
        cache[base + 4 * h + j] = g;
        cache[base + 5 * h + j] = o;
        cache[base + 6 * h + j] = tc;
      }
    }
    [hidden, nextHidden] = [nextHidden, hidden];
    [cell, nextCell] = [nextCell, cell];
  }
  let output = params[at.by] as number;
  for (let j = 0; j < h; j++) output += (params[at.wy + j] as number) * (hidden[j] as number);
  return { output, hidden, cell };
}

/**
 * Backpropagation through time, truncated to the last `bpttSteps` steps: adds to `grad` the
 * gradient of a loss whose derivative with respect to the output is `dOutput`. Earlier steps
 * still shape the state through the forward pass but receive no gradient, which bounds the
 * cost per sample and avoids exploding products over long sequences.
 */
export function backward(
  shape: LstmShape,
  params: Float64Array,
  inputs: Float64Array,
  offset: number,
  steps: number,
  cache: Float64Array,
  last: ForwardResult,
  dOutput: number,
  bpttSteps: number,
  grad: Float64Array,
): void {
  const { inputSize: d, hiddenSize: h } = shape;
  const at = layout(shape);
  grad[at.by] = (grad[at.by] as number) + dOutput;
  let dh = new Float64Array(h);
  const dc = new Float64Array(h);
  let dhPrev = new Float64Array(h);
  const dz = new Float64Array(4 * h);
  for (let j = 0; j < h; j++) {
    grad[at.wy + j] = (grad[at.wy + j] as number) + dOutput * (last.hidden[j] as number);
    dh[j] = dOutput * (params[at.wy + j] as number);
  }
  const stop = Math.max(0, steps - bpttSteps);
  for (let t = steps - 1; t >= stop; t--) {
    const base = t * CACHE_PER_UNIT * h;
    for (let j = 0; j < h; j++) {
      const cPrev = cache[base + h + j] as number;
      const i = cache[base + 2 * h + j] as number;
      const f = cache[base + 3 * h + j] as number;
      const g = cache[base + 4 * h + j] as number;
      const o = cache[base + 5 * h + j] as number;
      const tc = cache[base + 6 * h + j] as number;
      const dhj = dh[j] as number;
      const dC = (dc[j] as number) + dhj * o * (1 - tc * tc);
      dz[j] = dC * g * i * (1 - i);
      dz[h + j] = dC * cPrev * f * (1 - f);
      dz[2 * h + j] = dC * i * (1 - g * g);
      dz[3 * h + j] = dhj * tc * o * (1 - o);
      dc[j] = dC * f;
    }
    const x = offset + t * d;
    dhPrev.fill(0);
    for (let r = 0; r < 4 * h; r++) {
      const g = dz[r] as number;
      if (g === 0) continue;
      grad[at.b + r] = (grad[at.b + r] as number) + g;
      const wxRow = at.wx + r * d;
      for (let k = 0; k < d; k++) grad[wxRow + k] = (grad[wxRow + k] as number) + g * (inputs[x + k] as number);
      const whRow = at.wh + r * h;
      for (let j = 0; j < h; j++) {
        grad[whRow + j] = (grad[whRow + j] as number) + g * (cache[base + j] as number);
        dhPrev[j] = (dhPrev[j] as number) + g * (params[whRow + j] as number);
      }
    }
    [dh, dhPrev] = [dhPrev, dh];
  }
}
