import { loadKafkaJsRunnerPrototype } from './kafkajs-runner.js';

/** The kafkajs release whose internals this guard was written against (package.json pins it). */
export const KAFKAJS_GUARDED_VERSION = '2.2.4';

/** The part of kafkajs' internal consumer `Runner` the guard relies on. */
interface RunnerPrototype {
  running?: boolean;
  fetch(this: RunnerPrototype, nodeId: number): Promise<unknown[]>;
  [GUARDED]?: true;
}

/** Marks a patched prototype; `Symbol.for` so two copies of this library still patch only once. */
const GUARDED = Symbol.for('nestjs-kafka-channels.kafkajs-stop-guard');

/** What {@link installKafkaJsStopGuard} did. */
export type StopGuardOutcome = 'installed' | 'already-installed' | 'unavailable';

/**
 * Stops kafkajs' consumer from spinning at 100 % CPU after `stop()`.
 *
 * Why: in kafkajs 2.2.4, when a consumer is stopped while its fetch manager is restarting its
 * fetchers for a changed broker set, the fetchers created after the stop call the runner's
 * `fetch()`, which answers `[]` at once because the runner is no longer running. Each new
 * fetcher then loops on that answer without ever awaiting real I/O, so the event loop is blocked
 * and `stop()` never resolves. Throwing instead of returning `[]` ends such a fetcher: the fetch
 * manager gives up, the runner's retry sees it is stopped and exits, and `stop()` resolves.
 *
 * The guard patches kafkajs' internal `Runner` prototype (`kafkajs/src/consumer/runner.js`), so
 * it is tied to the kafkajs layout of {@link KAFKAJS_GUARDED_VERSION}. When that file or its
 * `fetch` method is missing (another kafkajs release) nothing is patched and `'unavailable'` is
 * returned. Idempotent; never throws.
 */
export function installKafkaJsStopGuard(): StopGuardOutcome {
  const runner = loadKafkaJsRunnerPrototype<RunnerPrototype>('fetch');
  if (!runner) return 'unavailable';
  if (runner[GUARDED]) return 'already-installed';
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the original, called with .call(this) below
  const fetch = runner.fetch;
  runner.fetch = function guardedFetch(this: RunnerPrototype, nodeId: number): Promise<unknown[]> {
    if (!this.running) return Promise.reject(new Error('kafkajs consumer runner is stopped: ending a fetcher started after stop()'));
    return fetch.call(this, nodeId);
  };
  runner[GUARDED] = true;
  return 'installed';
}
