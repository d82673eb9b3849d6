import type { DispatchGate } from '../dispatch.js';

/**
 * Waits `ms` unless the gate closes first (a stop, close or rebalance began). Resolves `true` when
 * the time passed, `false` when the gate closed (at once if it is already closed): the caller
 * then leaves its record uncommitted. A gate without a `signal` only ends the wait on time.
 */
export function waitWhileOpen(ms: number, gate: DispatchGate): Promise<boolean> {
  if (!gate.shouldDispatch) return Promise.resolve(false);
  const signal = gate.signal;
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
