import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HandlerRegistrationError, KafkaConfigError, MessageHandlerError } from '../../../lib/core/errors.js';
import type { TransactionalHandlerOptions } from '../../../lib/core/consumer/transactional/transactional-options.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { InMemoryBroker } from '../../../lib/testing/in-memory-broker.js';
import { InMemorySchemaRegistry } from '../../../lib/testing/in-memory-schema-registry.js';
import { InMemoryConsumerGroup, type InMemoryConsumerGroupConfig } from '../../../lib/testing/in-memory-consumer-group.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(closers.map((close) => close()));
});

let groups = 0;

/** A group on `in` (2 partitions) of a new broker, closed after the file. */
function pipelineGroup(config: Partial<InMemoryConsumerGroupConfig> = {}) {
  const broker = new InMemoryBroker();
  const group = new InMemoryConsumerGroup({ topic: 'in', groupName: `ctp-${++groups}`, broker, partitions: 2, ...config });
  closers.push(() => group.close());
  return { broker, group };
}

const values = (broker: InMemoryBroker, isolation: 'read_committed' | 'read_uncommitted') =>
  broker.messages('out', undefined, isolation).map((m) => String(m.value));

const output: TransactionalHandlerOptions['output'] = { topic: 'out' };

describe('consume-transform-produce handlers in the test kit', () => {
  it('writes each input record once to the output and commits the offsets in the same transactions', async () => {
    const { broker, group } = pipelineGroup();
    group.registerTransactionalHandler(
      async (message, tx) => {
        await tx.sendBytes(`out-${String(message.value)}`);
      },
      { output, maxRecords: 2 },
    );
    for (let i = 0; i < 7; i++) group.push({ value: `r${i}`, partition: i % 2 });
    await group.start();
    await group.waitForIdle();
    assert.deepEqual(values(broker, 'read_committed').sort(), ['out-r0', 'out-r1', 'out-r2', 'out-r3', 'out-r4', 'out-r5', 'out-r6']);
    assert.equal(group.committedOffset(0), '4');
    assert.equal(group.committedOffset(1), '3');
  });

  it('a failure aborts the transaction: the records before it commit again, the failed one is retried in a new transaction', async () => {
    const { broker, group } = pipelineGroup({ partitions: 1 });
    let failures = 0;
    group.registerTransactionalHandler(
      async (message, tx) => {
        await tx.sendBytes(`out-${String(message.value)}`);
        if (String(message.value) === 'r2' && failures++ === 0) throw new Error('transform failed once');
      },
      { output, onError: { retry: { attempts: 2, initialMs: 1, jitter: 0 }, then: 'stop' } },
    );
    for (let i = 0; i < 4; i++) group.push({ value: `r${i}` });
    await group.start();
    await group.waitForIdle();
    assert.deepEqual(values(broker, 'read_committed'), ['out-r0', 'out-r1', 'out-r2', 'out-r3']);
    assert.deepEqual(
      values(broker, 'read_uncommitted').slice(0, 3),
      ['out-r0', 'out-r1', 'out-r2'],
      'the aborted transaction wrote r0-r2 before the failure; read_committed never shows them',
    );
    assert.equal(failures, 2);
    assert.equal(group.committedOffset(0), '4');
  });

  it("then: 'commit' reports the record and commits its offset without output once retries ran out", async () => {
    const { broker, group } = pipelineGroup({ partitions: 1 });
    group.registerTransactionalHandler(
      async (message, tx) => {
        if (String(message.value) === 'bad') throw new Error('cannot transform');
        await tx.sendBytes(`out-${String(message.value)}`);
      },
      { output, onError: { retry: { attempts: 1, initialMs: 1, jitter: 0 }, then: 'commit' } },
    );
    for (const value of ['a', 'bad', 'b']) group.push({ value });
    await group.start();
    await group.waitForIdle();
    assert.deepEqual(values(broker, 'read_committed'), ['out-a', 'out-b']);
    assert.equal(group.committedOffset(0), '3');
    const failed = group.emittedErrors.filter((e) => e instanceof MessageHandlerError);
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.logData.commit, true);
  });

  it("then: 'stop' stops the group with the failed record's offset not committed", async () => {
    const { broker, group } = pipelineGroup({ partitions: 1 });
    group.registerTransactionalHandler(
      async (message, tx) => {
        await tx.sendBytes(`out-${String(message.value)}`);
        if (String(message.value) === 'bad') throw new Error('cannot transform');
      },
      { output, onError: 'stop' },
    );
    for (const value of ['a', 'bad', 'b']) group.push({ value });
    await group.start();
    await group.waitForState(ConsumerState.Stopped);
    assert.equal(group.committedOffset(0), '1');
    assert.deepEqual(values(broker, 'read_committed'), ['out-a']);
  });

  it('refuses what cannot combine, at registration', () => {
    const handler = async () => {};
    const keyed = pipelineGroup({ ordering: 'key' }).group;
    assert.throws(() => keyed.registerTransactionalHandler(handler, { output }), HandlerRegistrationError);
    const deadLetter = pipelineGroup().group;
    assert.throws(() => deadLetter.registerTransactionalHandler(handler, { output, onError: 'deadLetter' }), /cannot forward/);
    const retryTopics = pipelineGroup().group;
    assert.throws(
      () => retryTopics.registerTransactionalHandler(handler, { output, onError: { retryTopics: [1000] } }),
      HandlerRegistrationError,
    );
    const taken = pipelineGroup().group;
    taken.registerHandler(handler);
    assert.throws(() => taken.registerTransactionalHandler(handler, { output }), HandlerRegistrationError);
    const first = pipelineGroup().group;
    first.registerTransactionalHandler(handler, { output });
    assert.throws(() => first.registerBatchHandler(handler), HandlerRegistrationError);
    // tx-bound handlers get no registry decoding step yet: refused rather than handed undecodable records.
    const registry = pipelineGroup({ schemaRegistry: { registry: new InMemorySchemaRegistry() } }).group;
    assert.throws(() => registry.registerTransactionalHandler(handler, { output }), /cannot read through a schema registry/);
  });

  it('names every bad option', () => {
    const { group } = pipelineGroup();
    assert.throws(
      () =>
        group.registerTransactionalHandler(async () => {}, {
          output: { topic: 'out', transactionalId: 'x' } as never,
          maxRecords: 0,
          maxMs: -1,
          transactionalIdPrefix: '',
        }),
      (error: unknown) =>
        error instanceof KafkaConfigError &&
        ['output.transactionalId', 'maxRecords', 'maxMs', 'transactionalIdPrefix'].every((field) => error.message.includes(field)),
    );
  });
});
