import { randomInt } from 'node:crypto';

/**
 * How long to wait before initialisation attempt `attempt` (1-based), in milliseconds.
 *
 * The pause doubles from `minPeriod` on each attempt and starts again from `minPeriod` once a
 * full cycle would pass `maxPeriod` (cycle = floor(log2(floor(max / min))) + 1 steps). A jitter of
 * -25 % … +24 % of `minPeriod` (whole milliseconds) is added, and the result is capped at
 * `maxPeriod`. This is dp-kafka's `GetRetryTime`, step for step.
 *
 * @param attempt - attempt number; values below 1 count as 1
 * @param minPeriod - first pause, ms (> 0)
 * @param maxPeriod - longest pause, ms (>= minPeriod)
 * @param draw - source of an integer in [0, 50); injectable for tests
 */
export function getRetryTime(attempt: number, minPeriod: number, maxPeriod: number, draw: () => number = () => randomInt(50)): number {
  const n = Math.max(1, Math.floor(attempt));
  const cycle = Math.floor(Math.log2(Math.floor(maxPeriod / minPeriod))) + 1;
  const base = 2 ** ((n - 1) % cycle) * minPeriod;
  const jitter = Math.trunc(((draw() - 25) * Math.floor(minPeriod)) / 100);
  return Math.min(base + jitter, maxPeriod);
}

/** Options of {@link retryUntilDone}. */
export interface RetryLoopOptions {
  /** One attempt; resolves on success, rejects to be retried. */
  readonly attempt: () => Promise<void>;
  readonly minRetryPeriod: number;
  readonly maxRetryPeriod: number;
  /** Called after each failed attempt with the error and the attempt number. */
  readonly onFailure: (error: unknown, attempt: number, nextDelayMs: number) => void;
}

/** Handle on a running retry loop. */
export interface RetryLoop {
  /** Resolves when an attempt succeeded; never rejects (a cancelled loop stays pending). */
  readonly done: Promise<void>;
  /** Stops the loop: no further attempt starts. */
  cancel(): void;
  /** Skips the current wait and makes the next attempt now. */
  retryNow(): void;
}

/**
 * Runs `attempt` at once, then again after {@link getRetryTime} pauses until it succeeds or the
 * loop is cancelled. Attempts never overlap. A pending
 * loop keeps the process alive (it is live work): cancel it on close.
 */
export function retryUntilDone(options: RetryLoopOptions): RetryLoop {
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(timer);
      wake = undefined;
    });

  void (async () => {
    for (let attempt = 1; !cancelled; attempt++) {
      try {
        await options.attempt();
        if (!cancelled) resolveDone();
        return;
      } catch (error) {
        if (cancelled) return;
        const delay = getRetryTime(attempt, options.minRetryPeriod, options.maxRetryPeriod);
        options.onFailure(error, attempt, delay);
        await sleep(delay);
      }
    }
  })();

  return {
    done,
    cancel() {
      cancelled = true;
      wake?.();
    },
    retryNow() {
      wake?.();
    },
  };
}
