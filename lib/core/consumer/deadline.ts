/**
 * Waits for `work` at most `timeoutMs`. Resolves `true` if the time ran out first (the work goes
 * on in the background and must not reject), `false` if the work finished in time.
 */
export async function timedOut(work: Promise<void>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  try {
    return await Promise.race([work.then(() => false), expired]);
  } finally {
    clearTimeout(timer);
  }
}
