import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HandlerRegistrationError } from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { eventually } from '../../support/eventually.js';
import { inMemoryGroups } from '../../support/in-memory-groups.js';
import { KeyOrderLog } from '../../support/key-order.js';

const { newGroup } = inMemoryGroups();

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A handler that records its calls in `log` and takes 0-2 ms. */
function loggingHandler(log: KeyOrderLog) {
  return async (message: KafkaMessage) => {
    const key = message.key!.toString();
    log.begin(key, Number(message.offset));
    try {
      await pause(Number(message.offset) % 3);
    } finally {
      log.end(key);
    }
  };
}

describe("InMemoryConsumerGroup with ordering 'key'", () => {
  it('runs different keys of one partition in parallel, each key in offset order, and commits everything', async () => {
    const group = newGroup({ ordering: 'key', maxConcurrency: 8 });
    const log = new KeyOrderLog();
    group.registerHandler(loggingHandler(log));
    await group.start();
    const expected = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const key = `k${i % 25}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
      group.queueJSON({ i }, { key });
    }
    await group.waitForIdle();
    assert.deepEqual(log.check(expected), []);
    assert.ok(log.maxConcurrent > 1 && log.maxConcurrent <= 8, `max concurrent ${log.maxConcurrent}`);
    assert.equal(group.committedOffset(0), '400');
  });

  it('keeps the property across rebalances and crashes (redeliveries go back, never skip)', async () => {
    const group = newGroup({ ordering: 'key', maxConcurrency: 6, partitions: 3, fetchSize: 50, commitInterval: 20 });
    const log = new KeyOrderLog();
    group.registerHandler(loggingHandler(log));
    await group.start();
    const expected = new Map<string, number>();
    for (let i = 0; i < 1_500; i++) {
      const key = `k${i % 40}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
      group.queueJSON({ i }, { key });
    }
    await eventually('some records handled', () => log.calls > 200);
    await group.rebalance();
    await eventually('more records handled', () => log.calls > 600);
    group.crash();
    await eventually('still more records handled', () => log.calls > 1_000);
    await group.rebalance();
    await group.waitForIdle();
    assert.deepEqual(log.check(expected), []);
    assert.equal(log.distinct, 1_500);
  });

  it("runs records of one key in parallel with ordering 'none'", async () => {
    const group = newGroup({ ordering: 'none', maxConcurrency: 4 });
    let running = 0;
    let maxRunning = 0;
    group.registerHandler(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await pause(2);
      running--;
    });
    await group.start();
    for (let i = 0; i < 40; i++) group.queueJSON({ i }, { key: 'same' });
    await group.waitForIdle();
    assert.equal(maxRunning, 4);
    assert.equal(group.committedOffset(0), '40');
  });

  it('refuses the batch handler and messages() with a parallel ordering, naming the option', () => {
    const group = newGroup({ ordering: 'key' });
    assert.throws(
      () => group.registerBatchHandler(async () => {}),
      (error: unknown) => {
        assert.ok(error instanceof HandlerRegistrationError);
        assert.match(error.message, /registerBatchHandler cannot be used with ordering 'key'/);
        return true;
      },
    );
    assert.throws(() => group.messages(), /messages\(\) cannot be used with ordering 'key'/);
    group.registerHandler(async () => {}); // still free: nothing was installed
  });
});
