import type { Forecaster } from "./types";

/** Random walk: the last price is the forecast. The baseline every other model must beat. */
export const naive: Forecaster<Record<string, never>> = {
  name: "naive",
  fit: () => ({}),
  forecast: (_params, y) => y[y.length - 1] as number,
};

/** Random walk with drift: the last log price plus `horizon` times the mean log return of the fit window. */
export const drift: Forecaster<{ mu: number }> = {
  name: "drift",
  fit(y) {
    const n = y.length;
    return { mu: n < 2 ? 0 : ((y[n - 1] as number) - (y[0] as number)) / (n - 1) };
  },
  forecast: (params, y, horizon) => (y[y.length - 1] as number) + horizon * params.mu,
};
