/**
 * Seeded pseudo-random numbers, so model training is reproducible: the same data and seed give
 * the same weights on every run and every machine. Not for anything security-related.
 */

/** The seed every model uses unless a test asks for another one. */
export const DEFAULT_SEED = 0x5eed_2024;

/** Mulberry32: a fast 32-bit generator returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box-Muller) from a uniform generator. */
export function normalDraw(uniform: () => number): number {
  const u = 1 - uniform(); // (0, 1]: keeps log finite
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
