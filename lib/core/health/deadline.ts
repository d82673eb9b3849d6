/**
 * Settles like `promise`, or rejects with `Error(message)` after `ms` milliseconds, whichever
 * comes first. The timer stays referenced (it is short and guarantees the awaited check settles)
 * and is cleared on settlement; a late rejection of `promise` is observed so it never surfaces as
 * an unhandled rejection.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => undefined);
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
