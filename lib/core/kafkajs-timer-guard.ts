/**
 * kafkajs 2.2.4's per-connection request queue (`kafkajs/src/network/requestQueue/index.js`)
 * arms its throttle check with `setTimeout(throttledUntil - Date.now())` whenever a request is
 * queued, also when nothing is throttled: `throttledUntil` is then -1 (or a past time), so the
 * delay is about minus the epoch. Node has always run such a timer after 1 ms; Node 24 and later
 * also print `TimeoutNegativeWarning` for it, once per process, on every app's first request —
 * noise on a normal boot that users cannot act on.
 *
 * The guard wraps `RequestQueue.prototype.scheduleCheckPendingRequests`: while an idle queue
 * (nothing pending, nothing throttled) arms its check, `throttledUntil` reads as 1 ms from now, so
 * the delay is 0-1 ms (what Node ran anyway) instead of negative, and it is restored before the method returns (kafkajs reads it
 * only synchronously there). Queues with pending requests or a real throttle are left exactly as
 * kafkajs computes them. Idempotent; 'unavailable' when kafkajs moved the file or the method.
 */

/** The part of kafkajs' `RequestQueue` the guard relies on. */
interface RequestQueueLike {
  throttledUntil: number;
  pending: readonly unknown[];
  scheduleCheckPendingRequests(this: RequestQueueLike): void;
  [GUARDED]?: true;
}

/** Marks a patched prototype; `Symbol.for` so two copies of this library still patch only once. */
const GUARDED = Symbol.for('nestjs-kafka-channels.kafkajs-timer-guard');

/** What {@link installKafkaJsTimerGuard} did. */
export type TimerGuardOutcome = 'installed' | 'already-installed' | 'unavailable';

/** kafkajs' `RequestQueue` prototype, or `undefined` when kafkajs moved or reshaped it. */
export function loadKafkaJsRequestQueuePrototype(): RequestQueueLike | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped deep kafkajs internal
    const RequestQueue: unknown = require('kafkajs/src/network/requestQueue/index.js');
    const prototype = (RequestQueue as { prototype?: Record<string, unknown> } | undefined)?.prototype;
    return typeof prototype?.scheduleCheckPendingRequests === 'function' ? (prototype as unknown as RequestQueueLike) : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps kafkajs' idle request queues from arming timers with a negative delay (see the file comment). */
export function installKafkaJsTimerGuard(): TimerGuardOutcome {
  const queue = loadKafkaJsRequestQueuePrototype();
  if (!queue) return 'unavailable';
  if (queue[GUARDED]) return 'already-installed';
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the original, called with .call(this) below
  const schedule = queue.scheduleCheckPendingRequests;
  queue.scheduleCheckPendingRequests = function scheduleWithoutNegativeDelay(this: RequestQueueLike): void {
    const throttledUntil = this.throttledUntil;
    const now = Date.now();
    if (this.pending.length > 0 || throttledUntil >= now) {
      schedule.call(this);
      return;
    }
    this.throttledUntil = now + 1;
    try {
      schedule.call(this);
    } finally {
      this.throttledUntil = throttledUntil;
    }
  };
  queue[GUARDED] = true;
  return 'installed';
}
