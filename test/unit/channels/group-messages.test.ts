import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandlerRegistrationError } from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { InMemoryConsumerGroup } from '../../../lib/testing/in-memory-consumer-group.js';

function group(numWorkers = 2, partitions = 3): InMemoryConsumerGroup {
  return new InMemoryConsumerGroup({ topic: 'orders', groupName: 'billing', numWorkers, partitions });
}

test('messages() is refused when a handler is registered, and a handler is refused after messages()', async () => {
  const withHandler = group();
  withHandler.registerHandler(async () => {});
  assert.throws(() => withHandler.messages(), HandlerRegistrationError);
  const withChannel = group();
  const first = withChannel.messages();
  assert.equal(withChannel.messages(), first, 'the same iterable every time');
  assert.throws(() => withChannel.registerHandler(async () => {}), HandlerRegistrationError);
  assert.throws(() => withChannel.registerBatchHandler(async () => {}), HandlerRegistrationError);
  await Promise.all([withHandler.close(), withChannel.close()]);
});

test('a loop with commitAndRelease reads every message in per-partition order and commits them all', async () => {
  const g = group();
  const messages = g.messages();
  const sent = Array.from({ length: 30 }, (_, i) => g.queueJSON({ i }, { partition: i % 3 }));
  await g.start();
  const seen: KafkaMessage[] = [];
  for await (const m of messages) {
    seen.push(m);
    await m.commitAndRelease();
    if (seen.length === sent.length) break;
  }
  for (const p of [0, 1, 2]) {
    const offsets = seen.filter((m) => m.partition === p).map((m) => Number(m.offset));
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
    );
    assert.equal(offsets.length, 10);
    assert.equal(g.committedOffset(p), '10');
  }
  await g.close();
});

test('marks without commit are committed by stop; the stop ends the loop', async () => {
  const g = group(1, 1);
  const messages = g.messages();
  for (let i = 0; i < 3; i++) g.queueJSON({ i });
  await g.start();
  let count = 0;
  for await (const m of messages) {
    m.mark();
    m.release();
    if (++count === 3) void g.stopAndWait();
  }
  await g.stopAndWait();
  assert.equal(count, 3);
  assert.equal(g.committedOffset(0), '3');
  await g.close();
});

test('released without mark: not committed', async () => {
  const g = group(1, 1);
  const messages = g.messages();
  g.queueJSON({ a: 1 });
  g.queueJSON({ a: 2 });
  await g.start();
  let count = 0;
  for await (const m of messages) {
    m.release();
    if (++count === 2) break;
  }
  await g.close();
  assert.equal(g.committedOffset(0), undefined);
});

test('close ends a waiting loop', async () => {
  const g = group();
  const messages = g.messages();
  await g.start();
  const loop = (async () => {
    let n = 0;
    for await (const m of messages) {
      n++;
      m.release();
    }
    return n;
  })();
  await g.waitForIdle();
  await g.close();
  assert.equal(await loop, 0);
});
