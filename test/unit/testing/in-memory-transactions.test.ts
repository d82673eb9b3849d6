import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ConsumerIsolation } from '../../../lib/core/config/consumer.js';
import {
  KafkaConfigError,
  NotTransactionalError,
  ProducerFencedError,
  ProducerSendError,
  TransactionRequiredError,
  type KafkaError,
} from '../../../lib/core/errors.js';
import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemoryConsumerGroup } from '../../../lib/testing/in-memory-consumer-group.js';
import { InMemoryProducer } from '../../../lib/testing/in-memory-producer.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** An initialised transactional producer on `out` of a new in-memory broker. */
async function transactionalProducer(): Promise<{ broker: InMemoryBroker; producer: InMemoryProducer }> {
  const broker = new InMemoryBroker();
  const producer = new InMemoryProducer({ topic: 'out', broker, transactionalId: 'pipeline-1' });
  closers.push(() => producer.close());
  await producer.waitUntilInitialised();
  return { broker, producer };
}

/** A started group on `topic` that records the values it handles. */
async function reader(broker: InMemoryBroker, isolation: ConsumerIsolation | undefined, topic = 'out') {
  const group = new InMemoryConsumerGroup({ topic, groupName: `reader-${isolation ?? 'default'}`, broker, isolation });
  closers.push(() => group.close());
  const values: string[] = [];
  group.registerHandler(async (message) => {
    values.push(String(message.value));
  });
  await group.start();
  return { group, values };
}

describe('transactions in the test kit', () => {
  it('read_committed (the default) sees committed records only; read_uncommitted sees aborted ones too', async () => {
    const { broker, producer } = await transactionalProducer();
    await producer.transaction(async (tx) => {
      await tx.sendBytes('c1');
    });
    const boom = new Error('transform failed');
    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.sendBytes('a1');
        throw boom;
      }),
      (error) => error === boom,
    );
    await producer.transaction(async (tx) => {
      await tx.sendBytes('c2');
    });
    const committed = await reader(broker, undefined);
    const uncommitted = await reader(broker, 'read_uncommitted');
    await committed.group.waitForIdle();
    await uncommitted.group.waitForIdle();
    assert.deepEqual(committed.values, ['c1', 'c2']);
    assert.deepEqual(uncommitted.values, ['c1', 'a1', 'c2']);
    assert.deepEqual(
      broker.messages('out', undefined, 'read_committed').map((m) => m.offset),
      ['0', '2'],
      'aborted records keep their offsets',
    );
  });

  it('an open transaction holds back read_committed readers, also for later plain records, until it ends', async () => {
    const { broker, producer } = await transactionalProducer();
    const plain = new InMemoryProducer({ topic: 'out', broker });
    closers.push(() => plain.close());
    await plain.waitUntilInitialised();
    const { group, values } = await reader(broker, 'read_committed');
    let finish!: () => void;
    const open = producer.transaction(async (tx) => {
      await tx.sendBytes('t1');
      await plain.sendBytes('p1'); // after the open transaction's record in the partition
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await group.waitForIdle();
    assert.deepEqual(values, [], 'nothing past the first record of the open transaction');
    finish();
    await open;
    await group.waitForIdle();
    assert.deepEqual(values, ['t1', 'p1']);
  });

  it('offsets sent in a transaction become the group committed offsets on commit only', async () => {
    const { broker, producer } = await transactionalProducer();
    const offsets = { groupId: 'enricher', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '7' }] }] };
    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.sendOffsets(offsets);
        throw new Error('aborted');
      }),
    );
    assert.equal(broker.committed('enricher', 'in', 0), undefined);
    await producer.transaction(async (tx) => {
      await tx.sendOffsets(offsets);
      assert.equal(broker.committed('enricher', 'in', 0), undefined, 'not before the commit');
    });
    assert.equal(broker.committed('enricher', 'in', 0), '7');
  });

  it('a failed send aborts the transaction even when the callback caught it', async () => {
    const { broker, producer } = await transactionalProducer();
    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.sendBytes('kept?');
        producer.failNextSends(1);
        await tx.sendBytes('fails').catch(() => undefined);
      }),
      ProducerSendError,
    );
    assert.deepEqual(broker.messages('out', undefined, 'read_committed'), []);
    assert.deepEqual(
      broker.messages('out').map((m) => String(m.value)),
      ['kept?'],
    );
    await producer.transaction((tx) => tx.sendBytes('next'));
    assert.deepEqual(
      broker.messages('out', undefined, 'read_committed').map((m) => String(m.value)),
      ['next'],
      'usable after the abort',
    );
  });

  it('refuses sends outside a transaction, output(), and transaction() on a plain producer, with typed errors', async () => {
    const { broker, producer } = await transactionalProducer();
    const errors: KafkaError[] = [];
    producer.errors.on((error) => errors.push(error));
    await assert.rejects(producer.sendJSON({ a: 1 }), TransactionRequiredError);
    await assert.rejects(producer.sendBytes('x'), /inside producer\.transaction/);
    assert.throws(() => producer.output(), TransactionRequiredError);
    assert.equal(errors.length, 2, 'refused sends are emitted as well');
    assert.deepEqual(broker.messages('out'), []);
    const plain = new InMemoryProducer({ topic: 'out', broker });
    closers.push(() => plain.close());
    await plain.waitUntilInitialised();
    await assert.rejects(
      plain.transaction(() => undefined),
      NotTransactionalError,
    );
  });

  it('fence() simulates a newer producer: ProducerFencedError, the open transaction aborted, final', async () => {
    const { broker, producer } = await transactionalProducer();
    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.sendBytes('zombie');
        producer.fence();
      }),
      ProducerFencedError,
    );
    await assert.rejects(
      producer.transaction(() => undefined),
      ProducerFencedError,
    );
    assert.deepEqual(broker.messages('out', undefined, 'read_committed'), []);
    assert.equal(broker.messages('out').length, 1, 'written, then aborted');
  });

  it('validates the transactional settings', () => {
    assert.throws(
      () => new InMemoryProducer({ topic: 'out', transactionalId: 'p', acks: 1, maxInFlightBatches: 2, idempotent: false }),
      (error: unknown) =>
        error instanceof KafkaConfigError &&
        ['idempotent', 'acks', 'maxInFlightBatches'].every((field) => error.problems.some((p) => p.field === field)),
    );
    assert.throws(
      () => new InMemoryProducer({ topic: 'out', transactionTimeoutMs: 1_000 }),
      /transactionTimeoutMs is only valid with transactionalId/,
    );
    assert.throws(() => new InMemoryProducer({ topic: 'out', transactionalId: '' }), /transactionalId/);
    assert.throws(
      () => new InMemoryConsumerGroup({ topic: 'in', groupName: 'g', isolation: 'committed' as ConsumerIsolation }),
      /isolation must be one of read_committed, read_uncommitted/,
    );
  });
});
