/** How a promise ended within a time limit: fulfilled, rejected (with the error), or still pending. */
export type Outcome = 'ok' | 'timeout' | { readonly error: unknown };

/** Waits at most `ms` for `promise`; never rejects, and its timer never outlives the wait. */
export async function outcomeWithin(promise: Promise<unknown>, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise.then(() => 'ok' as const, (error: unknown) => ({ error })), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
