import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, describe, it } from 'node:test';
import type { ConsumerIsolation } from '../../../lib/core/config/consumer.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ProducerFencedError, TransactionRequiredError, TransactionTimeoutError, type KafkaError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import type { ProducerConfig } from '../../../lib/core/config/producer.js';
import type { ProduceRequestFields } from '../../../lib/core/producer/produce-request-writer.js';
import { eventually } from '../../support/eventually.js';
import { committedOffsets, createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { recordingReader } from '../consumer/support.js';

// Transactions through kafkajs 2.2.4 (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn,
// TxnOffsetCommit v0-v1, EndTxn) with the Produce requests written by this module's encoder.
// Run on Kafka 4.4.0 (default) and 3.9.1 (KAFKA_VERSION=3.9.1). A wrong transactional id,
// producer id, epoch or sequence in the encoder's batches would be refused by the broker, or let
// read_committed readers see aborted records.

/**
 * Records the fields of every Produce request our writer encodes while `run` runs. The encoder
 * calls the writer through its CommonJS exports object, so replacing the export there sees
 * every call.
 */
async function writtenRequests(run: () => Promise<void>): Promise<ProduceRequestFields[]> {
  const writer = createRequire(import.meta.url)('../../../lib/core/producer/produce-request-writer.js') as {
    writeProduceRequest: (fields: ProduceRequestFields, ...rest: unknown[]) => Buffer;
  };
  const original = writer.writeProduceRequest;
  const seen: ProduceRequestFields[] = [];
  writer.writeProduceRequest = (fields, ...rest) => {
    seen.push(fields);
    return original(fields, ...rest);
  };
  try {
    await run();
  } finally {
    writer.writeProduceRequest = original;
  }
  return seen;
}

const closers: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(closers.map((close) => close().catch(() => undefined)));
});

async function transactional(
  topic: string,
  transactionalId: string,
  extra: Partial<ProducerConfig> = {},
): Promise<{ producer: KafkaProducer; errors: KafkaError[] }> {
  const producer = new KafkaProducer({ brokers: sharedBrokers(), topic, logger: silentLogger, transactionalId, ...extra });
  closers.push(() => producer.close());
  const errors: KafkaError[] = [];
  producer.errors.on((error) => errors.push(error));
  await producer.waitUntilInitialised();
  return { producer, errors };
}

/** Our consumer group on `topic` with `isolation`, recording the values it handles. */
async function reader(topic: string, isolation: ConsumerIsolation | undefined): Promise<{ group: KafkaConsumerGroup; values: string[] }> {
  const recorded = await recordingReader(topic, isolation, (message) => String(message.value));
  closers.push(() => recorded.group.close());
  return recorded;
}

describe('transactional producer on a real broker', () => {
  it('commit makes records visible to read_committed; abort hides them (read_uncommitted sees them)', async () => {
    const topic = uniqueName('txn-visibility');
    await createTopic(topic, 1);
    const transactionalId = uniqueName('txn-vis');
    const { producer } = await transactional(topic, transactionalId);
    const requests = await writtenRequests(() =>
      producer.transaction(async (tx) => {
        await tx.sendBytes('c1', { key: 'k' });
        await tx.sendJSON({ n: 2 }, { key: 'k' });
      }),
    );
    // Our writer encoded the transactional requests, with what kafkajs' transaction manager gave it.
    assert.ok(requests.length >= 1, 'the module wrote the Produce requests');
    for (const fields of requests) {
      assert.equal(fields.transactionalId, transactionalId);
      const id = fields.producerId ?? -1;
      assert.ok((typeof id === 'object' ? id.value : BigInt(id)) >= 0n, 'a producer id from InitProducerId');
      assert.equal(typeof fields.producerEpoch, 'number');
    }
    assert.equal(requests[0]!.topicData[0]!.partitions[0]!.firstSequence, 0);
    const boom = new Error('transform failed');
    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.sendBytes('a1', { key: 'k' });
        throw boom;
      }),
      (error) => error === boom,
    );
    await producer.transaction((tx) => tx.sendBytes('c3', { key: 'k' }));

    const committed = await reader(topic, undefined); // the default: read_committed
    const uncommitted = await reader(topic, 'read_uncommitted');
    await eventually('read_committed reader reached c3', () => committed.values.includes('c3'));
    await eventually('read_uncommitted reader reached c3', () => uncommitted.values.includes('c3'));
    assert.deepEqual(committed.values, ['c1', '{"n":2}', 'c3']);
    assert.deepEqual(uncommitted.values, ['c1', '{"n":2}', 'a1', 'c3']);
  });

  it('refuses a send outside a transaction with TransactionRequiredError', async () => {
    const topic = uniqueName('txn-outside');
    await createTopic(topic, 1);
    const { producer, errors } = await transactional(topic, uniqueName('txn-out'));
    await assert.rejects(producer.sendBytes('plain'), TransactionRequiredError);
    assert.ok(errors.some((e) => e instanceof TransactionRequiredError));
  });

  it('a second producer with the same transactionalId fences the first: ProducerFencedError, its records never visible', async () => {
    const topic = uniqueName('txn-fence');
    await createTopic(topic, 1);
    const id = uniqueName('txn-fence-id');
    const { producer: older, errors } = await transactional(topic, id);
    let newerStarted!: () => void;
    const started = new Promise<void>((resolve) => (newerStarted = resolve));
    const olderRun = older.transaction(async (tx) => {
      await tx.sendBytes('zombie');
      await started; // the newer producer initialises the id meanwhile
      await tx.sendBytes('zombie-2').catch(() => undefined);
    });
    const { producer: newer } = await transactional(topic, id);
    newerStarted();
    await assert.rejects(olderRun, ProducerFencedError);
    await assert.rejects(
      older.transaction(() => undefined),
      ProducerFencedError,
      'final: every later transaction is refused',
    );
    assert.equal(errors.filter((e) => e instanceof ProducerFencedError).length, 1, 'emitted once');
    await newer.transaction((tx) => tx.sendBytes('owner'));
    const { values } = await reader(topic, 'read_committed');
    await eventually('the newer producer record is read', () => values.includes('owner'));
    assert.deepEqual(values, ['owner']);
  });

  it('offsets sent in the transaction become the group committed offsets only after the commit', async () => {
    const topic = uniqueName('txn-offsets');
    const input = uniqueName('txn-offsets-in');
    await createTopic(topic, 1);
    await createTopic(input, 2);
    const groupId = uniqueName('txn-offsets-group');
    const { producer } = await transactional(topic, uniqueName('txn-off'));
    await producer.transaction(async (tx) => {
      await tx.sendBytes('out-1');
      await tx.sendOffsets({
        groupId,
        topics: [
          {
            topic: input,
            partitions: [
              { partition: 0, offset: '5' },
              { partition: 1, offset: '9' },
            ],
          },
        ],
      });
      const before = await committedOffsets(groupId, input);
      assert.deepEqual([before.get(0), before.get(1)], ['-1', '-1'], 'nothing committed while the transaction is open');
    });
    const after = await committedOffsets(groupId, input);
    assert.deepEqual([after.get(0), after.get(1)], ['5', '9']);

    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.sendOffsets({ groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '50' }] }] });
        throw new Error('abort');
      }),
    );
    assert.equal((await committedOffsets(groupId, input)).get(0), '5', 'an aborted transaction commits no offset');
  });

  it('a transaction open beyond transactionTimeoutMs is aborted by the broker: TransactionTimeoutError, then usable again', async () => {
    const topic = uniqueName('txn-timeout');
    await createTopic(topic, 1);
    const { producer } = await transactional(topic, uniqueName('txn-tmo'), { transactionTimeoutMs: 1_000 });
    const plain = new KafkaProducer({ brokers: sharedBrokers(), topic, logger: silentLogger, acks: 'all' });
    closers.push(() => plain.close());
    await plain.waitUntilInitialised();
    const { values } = await reader(topic, 'read_committed');
    await assert.rejects(
      producer.transaction(async (tx) => {
        await tx.sendBytes('expired', { partition: 0 });
        await plain.sendBytes('after', { partition: 0 });
        // A read_committed reader passes the open transaction's record only once it ended: here
        // the broker's time-out abort (checked every 10 s by default) ends it.
        await eventually('the broker aborted the timed-out transaction', () => values.includes('after'), 60_000);
      }),
      TransactionTimeoutError,
    );
    await producer.transaction((tx) => tx.sendBytes('next', { partition: 0 }));
    await eventually('the next transaction is read', () => values.includes('next'));
    assert.deepEqual(values, ['after', 'next']);
  });
});
