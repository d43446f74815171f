/** Dense least squares for the small regressions of the forecasters (a handful of columns). */

/**
 * Solves the symmetric positive-definite system A x = b by Cholesky decomposition.
 * Returns null when A is not positive definite (e.g. collinear regressors).
 */
export function choleskySolve(a: readonly number[][], b: readonly number[]): number[] | null {
  const n = b.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = (a[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) sum -= ((l[i] as number[])[k] as number) * ((l[j] as number[])[k] as number);
      if (i === j) {
        if (!(sum > 0)) return null;
        (l[i] as number[])[i] = Math.sqrt(sum);
      } else {
        (l[i] as number[])[j] = sum / ((l[j] as number[])[j] as number);
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= ((l[i] as number[])[k] as number) * (y[k] as number);
    y[i] = sum / ((l[i] as number[])[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < n; k++) sum -= ((l[k] as number[])[i] as number) * (x[k] as number);
    x[i] = sum / ((l[i] as number[])[i] as number);
  }
  return x;
}

/**
 * Ordinary least squares: the coefficients minimising ||X beta - y||^2, from the normal
 * equations. A tiny ridge (relative to the diagonal) keeps near-collinear designs solvable
 * without visibly biasing well-conditioned ones. Null when the design is degenerate.
 */
export function leastSquares(rows: readonly number[][], y: readonly number[], ridge = 1e-10): number[] | null {
  const k = rows[0]?.length ?? 0;
  if (k === 0 || rows.length < k) return null;
  const xtx: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as number[];
    const target = y[r] as number;
    for (let i = 0; i < k; i++) {
      const xi = row[i] as number;
      xty[i] = (xty[i] as number) + xi * target;
      const xtxRow = xtx[i] as number[];
      for (let j = 0; j <= i; j++) xtxRow[j] = (xtxRow[j] as number) + xi * (row[j] as number);
    }
  }
  for (let i = 0; i < k; i++) {
    const xtxRow = xtx[i] as number[];
    for (let j = 0; j < i; j++) (xtx[j] as number[])[i] = xtxRow[j] as number;
    xtxRow[i] = (xtxRow[i] as number) * (1 + ridge) + ridge;
  }
  return choleskySolve(xtx, xty);
}
