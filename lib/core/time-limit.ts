/**
 * Waiting for a promise with a time limit, in the two forms the library needs. Each timer is
 * cleared as soon as the wait ends, and a promise that rejects after the limit is always observed,
 * so it never surfaces as an unhandled rejection.
 */

/** How a promise ended within a time limit: fulfilled, rejected (with the error), or still pending. */
export type Outcome = 'ok' | 'timeout' | { readonly error: unknown };

/** Waits at most `ms` for `promise`; never rejects. */
export async function outcomeWithin(promise: Promise<unknown>, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'ok' as const,
        (error: unknown) => ({ error }),
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Settles like `promise`, or rejects with `Error(message)` after `ms` milliseconds, whichever
 * comes first.
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  if ((await outcomeWithin(promise, ms)) === 'timeout') throw new Error(message);
  return promise;
}
