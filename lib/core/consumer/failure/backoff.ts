import type { RetryBackoff } from './failure-policy.js';

/**
 * The wait before in-place retry `retry` (1 = the first retry), ms: `initialMs × multiplier^(retry-1)`
 * capped at `maxMs`, then moved by up to ±`jitter` of itself (so members that failed together do
 * not retry in step), never past `maxMs`.
 *
 * @param random - a number in [0, 1); injectable for tests
 */
export function backoffDelay(retry: number, backoff: Readonly<Required<RetryBackoff>>, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(retry));
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.multiplier ** (n - 1));
  const spread = base * backoff.jitter;
  return Math.max(0, Math.min(backoff.maxMs, Math.round(base - spread + random() * 2 * spread)));
}
