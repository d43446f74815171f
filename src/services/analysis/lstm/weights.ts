/**
 * Compact, portable storage of network weights: little-endian float32 in base64, about 1.8 kB
 * for the default network, small enough for one D1 text column.
 */

/** Rounds every value to float32, the precision weights are stored at. */
export function toFloat32Precision(values: Float64Array): Float64Array {
  return values.map((v) => Math.fround(v));
}

/** base64 of the values as little-endian float32. */
export function encodeWeights(values: Float64Array): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let k = 0; k < values.length; k++) view.setFloat32(k * 4, values[k] as number, true);
  let binary = "";
  const bytes = new Uint8Array(view.buffer);
  for (let k = 0; k < bytes.length; k += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  }
  return btoa(binary);
}

/**
 * Decodes `encodeWeights` output, checking it holds exactly `expected` finite values; throws a
 * RangeError otherwise (a truncated or tampered row must never reach inference).
 */
export function decodeWeights(text: string, expected: number): Float64Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new RangeError("weights are not valid base64");
  }
  if (binary.length !== expected * 4) {
    throw new RangeError(`weights hold ${binary.length / 4} values, expected ${expected}`);
  }
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let k = 0; k < binary.length; k++) view.setUint8(k, binary.charCodeAt(k));
  const out = new Float64Array(expected);
  for (let k = 0; k < expected; k++) {
    const value = view.getFloat32(k * 4, true);
    if (!Number.isFinite(value)) throw new RangeError("weights contain a non-finite value");
    out[k] = value;
  }
  return out;
}
