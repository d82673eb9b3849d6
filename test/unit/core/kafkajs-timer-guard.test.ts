import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { installKafkaJsTimerGuard } from '../../../lib/core/kafkajs-timer-guard.js';

const require = createRequire(import.meta.url);

interface RequestQueue {
  throttledUntil: number;
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
}
type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueue;
// The same file kafkajs' connections load, so the guard patches what they use.
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;

function newQueue(): RequestQueue {
  return new RequestQueue({ maxInFlightRequests: null, requestTimeout: 30_000, clientId: 'test', broker: 'b:9092', logger: {} });
}

/** The delay `scheduleCheckPendingRequests` arms its timer with (no timer is really started). */
function armedDelay(queue: RequestQueue): number {
  const realSetTimeout = globalThis.setTimeout;
  let delay: number | undefined;
  globalThis.setTimeout = ((_fn: () => void, ms?: number) => {
    delay = ms;
    return { unref() {} };
  }) as unknown as typeof setTimeout;
  try {
    queue.scheduleCheckPendingRequests();
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.notEqual(delay, undefined, 'kafkajs armed no timer: the guard may no longer be needed, re-check');
  return delay as number;
}

test('stock kafkajs arms an idle queue with a negative delay (Node 24 warns): the guard is still needed', () => {
  assert.ok(armedDelay(newQueue()) < 0, 'kafkajs no longer passes a negative delay: remove kafkajs-timer-guard');
});

test('with the guard an idle queue is armed with 0-1 ms and throttledUntil is left as it was', () => {
  assert.equal(installKafkaJsTimerGuard(), 'installed');
  assert.equal(installKafkaJsTimerGuard(), 'already-installed');
  const queue = newQueue();
  const delay = armedDelay(queue);
  assert.ok(delay >= 0 && delay <= 1, `delay ${delay}`);
  assert.equal(queue.throttledUntil, -1);
});

test('with the guard, pending requests and a real throttle keep kafkajs’ own delays', () => {
  const pending = newQueue();
  pending.pending.push({});
  assert.equal(armedDelay(pending), 10, 'kafkajs checks pending requests every 10 ms');

  const throttled = newQueue();
  throttled.throttledUntil = Date.now() + 500;
  const delay = armedDelay(throttled);
  assert.ok(delay > 400 && delay <= 500, `delay ${delay}`);
});
