/**
 * Failure-policy cases written once and run twice: against the in-memory consumer group
 * (test/unit/testing/failure-semantics.test.ts) and against the real group on a broker
 * (test/integration/consumer/failure-policies.test.ts). Both runs must pass.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAvro } from '../../../lib/core/avro.js';
import { FAILURE_HEADERS, decodeInteger, readFailureHeaders } from '../../../lib/core/consumer/failure/failure-headers.js';
import type { OnHandlerError } from '../../../lib/core/consumer/failure/failure-policy.js';
import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { FailureForwardError, HandlerTimeoutError, NonRetryableError } from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { waitUntil } from '../../../lib/testing/wait-until.js';
import { suiteGroups } from '../../support/case-runners.js';

/** Settings a case gives its group. */
export interface FailureCaseGroupConfig {
  readonly topic: string;
  readonly groupName: string;
  readonly onError?: OnHandlerError;
  readonly handlerTimeoutMs?: number;
}

/** One record a case produces. */
export interface FailureCaseRecord {
  readonly partition: number;
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Record<string, string>;
}

/** How a run reaches its group implementation and its "broker". */
export interface FailureHarness {
  readonly label: string;
  /** A topic with `partitions` partitions no other test uses, and a fresh group name. */
  freshTopic(prefix: string, partitions: number): Promise<{ topic: string; groupName: string }>;
  /** A group under test (not started). */
  createGroup(config: FailureCaseGroupConfig): KafkaConsumerGroup;
  /** Writes the records, in order. */
  produce(topic: string, records: readonly FailureCaseRecord[]): Promise<void>;
  /** The first `count` records of `topic` (waits for them). */
  read(topic: string, count: number): Promise<KafkaMessage[]>;
  /** How many records `topic` holds (0 when it does not exist). */
  count(topic: string): Promise<number>;
  /** Committed next-offsets of the group, by partition (absent = none). */
  committed(groupName: string, topic: string): Promise<Record<number, string>>;
  /** Makes the group's sends to `topic` be refused; the returned function removes the cause. */
  refuseSendsTo(group: KafkaConsumerGroup, topic: string): Promise<() => Promise<void>>;
  /** Longest wait for records to be handled, ms. */
  readonly timeoutMs: number;
}

const SCHEMA = { type: 'record', name: 'Order', fields: [{ name: 'n', type: 'int' }] } as const;

/** Registers the shared cases under one `describe`. */
export function failureSemanticsCases(h: FailureHarness): void {
  const newGroup = suiteGroups((config: FailureCaseGroupConfig) => h.createGroup(config));
  const waitFor = (what: string, condition: () => boolean | Promise<boolean>) => waitUntil(what, condition, h.timeoutMs);

  describe(`failure policies (${h.label})`, () => {
    it('a poison Avro record reaches the dead-letter topic with its headers; the records behind it are handled', async () => {
      const { topic, groupName } = await h.freshTopic('poison', 1);
      const records: FailureCaseRecord[] = Array.from({ length: 10 }, (_, n) => ({
        partition: 0,
        key: `k${n}`,
        value: n === 3 ? Buffer.from([0x80]) : encodeAvro(SCHEMA, { n }),
        headers: { 'request-id': `req-${n}`, custom: `c${n}` },
      }));
      await h.produce(topic, records);
      const { group } = newGroup({ topic, groupName, onError: { retry: { attempts: 2, initialMs: 10 }, then: 'deadLetter' } });
      const handled: number[] = [];
      let poisonCalls = 0;
      group.registerHandler(async (message) => {
        if (message.offset === '3') poisonCalls++;
        handled.push(message.decode<{ n: number }>(SCHEMA).n);
      });
      await group.start();
      await waitFor(
        'every good record handled and the position past the poison',
        async () => (await h.committed(groupName, topic))[0] === '10',
      );
      assert.deepEqual(handled, [0, 1, 2, 4, 5, 6, 7, 8, 9], 'the 9 records behind and around the poison are handled');
      assert.equal(poisonCalls, 1, 'a decode error is not retried');
      const [dead] = await h.read(`${topic}.DLT`, 1);
      assert.ok(dead);
      assert.equal(dead.key?.toString(), 'k3');
      assert.deepEqual(dead.value, Buffer.from([0x80]));
      assert.equal(dead.getHeader('request-id'), 'req-3');
      assert.equal(dead.getHeader('custom'), 'c3');
      const info = readFailureHeaders(dead);
      assert.equal(info.originalTopic, topic);
      assert.equal(info.originalPartition, 0);
      assert.equal(info.originalOffset, '3');
      assert.equal(info.originalConsumerGroup, groupName);
      assert.equal(info.errorClass, 'AvroCodecError');
      assert.ok(info.errorMessage && info.errorMessage.length > 0);
      assert.equal(info.attempts, 2);
      assert.ok(info.originalTimestamp && info.originalTimestamp > 1_600_000_000_000);
      assert.ok(info.firstFailureAt && info.lastFailureAt && info.firstFailureAt <= info.lastFailureAt, 'first failure, then the forward');
      assert.match(dead.getHeader(FAILURE_HEADERS.exceptionStacktrace) ?? '', /AvroCodecError/);
      assert.equal(dead.getHeader(FAILURE_HEADERS.originalTimestampType), 'CreateTime');
      assert.equal(decodeInteger(dead.headers[FAILURE_HEADERS.originalOffset]), 3n);
      assert.equal(group.failureStats().deadLettered, 1);
      assert.equal(group.failureStats().nonRetryable, 1);
      assert.equal(await h.count(`${topic}.DLT`), 1);
      const report = await group.checker();
      assert.equal(report.consumerGroup?.failures?.deadLettered, 1, 'the counters are in the health details');
    });

    it('retry topics: a failing record goes to the first retry topic with its due time; the partition goes on', async () => {
      const { topic, groupName } = await h.freshTopic('retrytopic', 1);
      await h.produce(
        topic,
        [0, 1, 2].map((n) => ({ partition: 0, key: `k${n}`, value: encodeAvro(SCHEMA, { n }), headers: { 'request-id': `r${n}` } })),
      );
      const { group } = newGroup({ topic, groupName, onError: { retryTopics: [5_000, 60_000], then: 'deadLetter' } });
      const handled: number[] = [];
      group.registerHandler(async (message) => {
        const { n } = message.decode<{ n: number }>(SCHEMA);
        if (n === 1) throw new Error('downstream unavailable');
        handled.push(n);
      });
      const before = Date.now();
      await group.start();
      await waitFor('every record committed', async () => (await h.committed(groupName, topic))[0] === '3');
      assert.deepEqual(handled, [0, 2]);
      const [retried] = await h.read(`${topic}.retry-5000`, 1);
      assert.equal(retried?.key?.toString(), 'k1');
      assert.equal(retried?.getHeader('request-id'), 'r1');
      const info = readFailureHeaders(retried!);
      assert.equal(info.originalTopic, topic);
      assert.equal(info.originalOffset, '1');
      assert.equal(info.attempts, 2);
      assert.ok(info.dueAt! >= before + 5_000 && info.dueAt! <= Date.now() + 5_000, `due ${info.dueAt} is now + 5 s`);
      assert.equal(group.failureStats().retryTopicForwards, 1);
      assert.equal(await h.count(`${topic}.DLT`), 0);
    });

    it('stop: the failing record stays uncommitted and the group stops', async () => {
      const { topic, groupName } = await h.freshTopic('stop', 1);
      await h.produce(
        topic,
        [0, 1, 2].map((n) => ({ partition: 0, key: `k${n}`, value: encodeAvro(SCHEMA, { n }) })),
      );
      const { group } = newGroup({ topic, groupName, onError: 'stop' });
      const handled: number[] = [];
      group.registerHandler(async (message) => {
        const { n } = message.decode<{ n: number }>(SCHEMA);
        if (n === 1) throw new Error('must be looked at');
        handled.push(n);
      });
      await group.start();
      await waitFor('the group stopped', () => group.state === ConsumerState.Stopped);
      assert.deepEqual(handled, [0]);
      assert.equal((await h.committed(groupName, topic))[0], '1', 'committed up to the failing record, not past it');
      assert.equal(group.failureStats().stopped, 1);
    });

    it('a handler failing twice then succeeding is handled once, with no dead letter', async () => {
      const { topic, groupName } = await h.freshTopic('twice', 1);
      await h.produce(
        topic,
        [0, 1, 2].map((n) => ({ partition: 0, key: `k${n}`, value: encodeAvro(SCHEMA, { n }) })),
      );
      const { group, errors } = newGroup({ topic, groupName, onError: { retry: { attempts: 3, initialMs: 20 }, then: 'deadLetter' } });
      const done: number[] = [];
      let failuresLeft = 2;
      group.registerHandler(async (message) => {
        const { n } = message.decode<{ n: number }>(SCHEMA);
        if (n === 1 && failuresLeft-- > 0) throw new Error('database unavailable');
        done.push(n);
      });
      await group.start();
      await waitFor('every record committed', async () => (await h.committed(groupName, topic))[0] === '3');
      assert.deepEqual(done, [0, 1, 2], 'record 1 handled exactly once, in order');
      assert.equal(errors.filter((e) => e.name === 'MessageHandlerError').length, 2);
      const stats = group.failureStats();
      assert.equal(stats.retries, 2);
      assert.equal(stats.deadLettered, 0);
      assert.equal(await h.count(`${topic}.DLT`), 0);
    });

    it('a refused dead-letter send holds the offset back and loses nothing; once the cause is fixed the record arrives and the offset moves', async () => {
      const { topic, groupName } = await h.freshTopic('refused', 1);
      const deadLetterTopic = `${topic}.DLT`;
      const { group, errors } = newGroup({ topic, groupName, onError: 'deadLetter' });
      const fix = await h.refuseSendsTo(group, deadLetterTopic);
      await h.produce(
        topic,
        [0, 1, 2, 3].map((n) => ({ partition: 0, key: `k${n}`, value: encodeAvro(SCHEMA, { n }) })),
      );
      const handled: number[] = [];
      group.registerHandler(async (message) => {
        const { n } = message.decode<{ n: number }>(SCHEMA);
        if (n === 1) throw new NonRetryableError('order 1 is invalid');
        handled.push(n);
      });
      await group.start();
      await waitFor('two refused sends', () => group.failureStats().forwardFailures >= 2);
      assert.ok(errors.some((e) => e instanceof FailureForwardError && e.targetTopic === deadLetterTopic));
      await waitFor('record 0 committed', async () => (await h.committed(groupName, topic))[0] === '1');
      assert.deepEqual(handled, [0], 'the partition waits behind the record being dead-lettered');
      assert.equal((await h.committed(groupName, topic))[0], '1', 'the offset is held at the refused record');
      await fix();
      await waitFor(
        'every record committed once the dead letter was accepted',
        async () => (await h.committed(groupName, topic))[0] === '4',
      );
      assert.deepEqual(handled, [0, 2, 3]);
      const [dead] = await h.read(deadLetterTopic, 1);
      assert.equal(dead?.key?.toString(), 'k1');
      assert.equal(readFailureHeaders(dead!).errorClass, 'NonRetryableError');
      assert.equal(await h.count(deadLetterTopic), 1, 'sent once');
      assert.equal(group.failureStats().deadLettered, 1);
    });

    it('a hung handler times out; stopAndWait() returns during the retry back-off and leaves the record uncommitted', async () => {
      const { topic, groupName } = await h.freshTopic('hung', 1);
      await h.produce(
        topic,
        [0, 1].map((n) => ({ partition: 0, key: `k${n}`, value: encodeAvro(SCHEMA, { n }) })),
      );
      const { group, errors } = newGroup({
        topic,
        groupName,
        handlerTimeoutMs: 300,
        onError: { retry: { attempts: 3, initialMs: 60_000 }, then: 'deadLetter' },
      });
      let calls = 0;
      group.registerHandler(async (message) => {
        calls++;
        if (message.offset === '0') await new Promise<void>(() => {}); // never settles
      });
      await group.start();
      await waitFor('the handler timed out', () => errors.some((e) => e.cause instanceof HandlerTimeoutError));
      const stopping = Date.now();
      await group.stopAndWait();
      const stopMs = Date.now() - stopping;
      assert.ok(stopMs < 10_000, `stopAndWait returned in ${stopMs} ms, not after the 60 s back-off`);
      assert.equal(calls, 1, 'record 1 was never started: the partition waited');
      assert.equal((await h.committed(groupName, topic))[0], undefined, 'nothing committed');
      assert.equal(group.failureStats().timeouts, 1);
      assert.equal(group.failureStats().heldBack, 1);
      assert.equal(await h.count(`${topic}.DLT`), 0);
    });
  });
}
