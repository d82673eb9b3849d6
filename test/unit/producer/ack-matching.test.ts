/**
 * A send resolves only once its record's partition was acknowledged: the sendBatch answer is
 * matched against the partitions the batch used; records of a partition left out are resent
 * (same order, explicit partition) within the retry settings, then fail with a typed error.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Partitioners, type Message, type RecordMetadata } from 'kafkajs';
import { InvalidMessageError, PartitionNotAcknowledgedError, ProducerSendError, type KafkaError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { ProducerCore } from '../../../lib/core/producer/kafka-producer.js';
import { sendTopicBatch } from '../../../lib/core/producer/topic-batch-sender.js';
import { unacknowledged } from '../../../lib/core/producer/unacknowledged.js';
import { explicit, PARTITIONS, run, ScriptedSink, settings, topic, without } from './scripted-sink.js';

describe('sendTopicBatch: matching the answer against the partitions used', () => {
  test('every partition acknowledged: one request, nothing failed', async () => {
    const sink = new ScriptedSink();
    const { result, resends } = run(sink, explicit(['a', 0], ['b', 1], ['c', 2]));
    assert.equal(await result, undefined);
    assert.equal(sink.calls.length, 1);
    assert.deepEqual(resends, []);
  });

  test('a partition left out of the answer (leader moved) is resent alone, in order, with its partition, until acknowledged', async () => {
    const sink = new ScriptedSink();
    sink.script.push(without(1), without(1)); // two answers without partition 1, then it is acknowledged
    const { result, errors, resends } = run(sink, explicit(['a', 0], ['b1', 1], ['c', 2], ['d1', 1], ['e', 0]));
    assert.equal(await result, undefined, 'every record finally acknowledged');
    assert.deepEqual(errors, []);
    assert.deepEqual(sink.calls.slice(1), [
      [
        { value: 'b1', partition: 1 },
        { value: 'd1', partition: 1 },
      ],
      [
        { value: 'b1', partition: 1 },
        { value: 'd1', partition: 1 },
      ],
    ]);
    assert.deepEqual(
      resends.map((r) => [r.partitions, r.records, r.attempt, r.delayMs]),
      [
        [[1], 2, 1, 1],
        [[1], 2, 2, 2],
      ],
      'resends pause retryBackoff, doubling',
    );
  });

  test('keyed records without an explicit partition are placed, checked and resent to the same partition', async () => {
    const sink = new ScriptedSink();
    const messages: Message[] = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'].map((key) => ({ key, value: `v-${key}` }));
    const place = Partitioners.DefaultPartitioner();
    const metadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [],
      isr: [],
    }));
    const expected = messages.map((m) => place({ topic, partitionMetadata: metadata, message: { key: m.key!, value: null } }));
    const dropped = expected[0]!;
    sink.script.push(without(dropped));
    const { result } = run(sink, messages);
    assert.equal(await result, undefined);
    assert.deepEqual(
      sink.calls[0]!.map((c) => c.partition),
      expected,
      'same placement as kafkajs DefaultPartitioner',
    );
    assert.deepEqual(
      sink.calls[1],
      messages.flatMap((m, i) => (expected[i] === dropped ? [{ value: String(m.value), partition: dropped }] : [])),
    );
  });

  test('never acknowledged after retryMax resends: those records fail with PartitionNotAcknowledgedError (emitted once), the others resolve', async () => {
    const sink = new ScriptedSink();
    sink.script.push(without(2), without(2), without(2), without(2));
    const { result, errors } = run(sink, explicit(['a', 0], ['x', 2], ['b', 1], ['y', 2]));
    const failures = await result;
    assert.equal(sink.calls.length, 4, 'the first request and 3 resends');
    assert.deepEqual([...failures!.keys()], [1, 3]);
    const error = failures!.get(1);
    assert.ok(error instanceof PartitionNotAcknowledgedError && error instanceof ProducerSendError);
    assert.equal(error.partition, 2);
    assert.match(error.message, /partition 2 never acknowledged 2 record\(s\), also after 3 resend\(s\)/);
    assert.deepEqual(error.logData, { partition: 2, records: 2, resends: 3, topic });
    assert.equal(failures!.get(3), error);
    assert.deepEqual(errors, [error]);
  });

  test('retryMax 0: no resend, the records fail at once', async () => {
    const sink = new ScriptedSink();
    sink.script.push(without(0));
    const failures = await run(sink, explicit(['a', 0], ['b', 1]), { retryMax: 0 }).result;
    assert.equal(sink.calls.length, 1);
    assert.deepEqual([...failures!.keys()], [0]);
  });

  test('a resend that fails as a request fails only the resent records', async () => {
    const sink = new ScriptedSink();
    const refused = new Error('broker refused');
    sink.script.push(without(0), { fail: refused });
    const { result, errors } = run(sink, explicit(['a', 0], ['b', 1]));
    const failures = await result;
    assert.deepEqual([...failures!.keys()], [0]);
    assert.ok(failures!.get(0) instanceof ProducerSendError);
    assert.equal((failures!.get(0) as ProducerSendError).cause, refused);
    assert.deepEqual(errors, [failures!.get(0)]);
  });

  test('a partition the topic does not have fails at once with InvalidMessageError, without resends', async () => {
    const sink = new ScriptedSink();
    const { result, errors, resends } = run(sink, explicit(['a', 0], ['z', 7], ['z2', 7]));
    const failures = await result;
    assert.equal(sink.calls.length, 1);
    assert.deepEqual(resends, []);
    assert.deepEqual([...failures!.keys()], [1, 2]);
    assert.ok(failures!.get(1) instanceof InvalidMessageError);
    assert.match(String(failures!.get(1)), /partition 7 does not exist/);
    assert.equal(errors.length, 1, 'one error per unknown partition');
  });

  test('acks 0: no answer to check, no resend', async () => {
    const sink = new ScriptedSink();
    const { result } = run(sink, explicit(['a', 0], ['b', 1]), { acks: 0 });
    assert.equal(await result, undefined);
    assert.equal(sink.calls.length, 1);
  });

  test('stops resending once the target says it stopped (the producer is disconnecting)', async () => {
    const sink = new ScriptedSink();
    sink.script.push(without(0));
    const errors: KafkaError[] = [];
    const failures = await sendTopicBatch({ sink, settings, emit: (e) => errors.push(e), stopped: () => true }, explicit(['a', 0]));
    assert.equal(sink.calls.length, 1);
    assert.ok(failures!.get(0) instanceof PartitionNotAcknowledgedError);
  });
});

describe('unacknowledged', () => {
  test('ignores answers for other topics and with an error code; a record without a partition is not checked', () => {
    const messages: Message[] = [{ value: 'a', partition: 0 }, { value: 'b' }, { value: 'c', partition: 1 }, { value: 'd', partition: 2 }];
    const acked: RecordMetadata[] = [
      { topicName: 'other', partition: 1, errorCode: 0 },
      { topicName: topic, partition: 2, errorCode: 6 },
      { topicName: topic, partition: 0, errorCode: 0 },
    ];
    assert.deepEqual(unacknowledged(topic, messages, acked), [2, 3]);
    assert.equal(unacknowledged(topic, messages.slice(0, 2), acked), undefined);
  });
});

describe('KafkaProducer over a sink that leaves a partition out', () => {
  const config = { brokers: ['127.0.0.1:9'], topic, logger: silentLogger, acks: 'all' as const, retryBackoff: 1 };

  test('a send resolves only after its partition was acknowledged', async () => {
    const sink = new ScriptedSink();
    sink.script.push(without(1));
    sink.holdCall = 1; // the resend's answer waits
    const producer = new ProducerCore(config, sink);
    await producer.waitUntilInitialised();
    const settled: string[] = [];
    const sends = (
      [
        ['a', 0],
        ['b', 1],
      ] as const
    ).map(([value, partition]) => producer.sendBytes(value, { partition }).then(() => settled.push(value)));
    while (sink.calls.length < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sink.calls[1], [{ value: 'b', partition: 1 }], 'partition 1 resent');
    assert.deepEqual(settled, [], 'neither send resolved while partition 1 was unacknowledged (one batch settles together)');
    sink.release();
    await Promise.all(sends);
    assert.deepEqual(settled.sort(), ['a', 'b']);
    await producer.close();
  });

  test('a send whose partition is never acknowledged rejects with PartitionNotAcknowledgedError, also on the error stream', async () => {
    const sink = new ScriptedSink();
    sink.script.push(...Array.from({ length: 4 }, () => without(1)));
    const producer = new ProducerCore({ ...config, retryMax: 3 }, sink);
    const errors: KafkaError[] = [];
    producer.errors.on((e) => errors.push(e));
    await producer.waitUntilInitialised();
    const ok = producer.sendBytes('a', { partition: 0 });
    const lost = producer.sendBytes('b', { key: 'k', partition: 1 });
    await ok;
    await assert.rejects(lost, PartitionNotAcknowledgedError);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof PartitionNotAcknowledgedError);
    await producer.close();
  });
});
