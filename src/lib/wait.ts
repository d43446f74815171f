/**
 * Waiting on work another request started, without awaiting its promise.
 *
 * workerd ties every I/O object and promise continuation to the request that created it: a
 * request that awaits a promise another request started resumes in that request's context, and
 * hangs or fails ("Cannot perform I/O on behalf of a different request") once that request has
 * finished or been cancelled. So shared isolate state holds values and counters only, and a
 * request that must wait for another's work polls a condition on its own timers.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves `true` once `done()` holds, or `false` after about `timeoutMs`. Polls every
 * `stepMs` on this request's own timers.
 * @example await waitFor(() => inflight === 0, 5_000)
 */
export async function waitFor(done: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await sleep(stepMs);
  }
  return true;
}
