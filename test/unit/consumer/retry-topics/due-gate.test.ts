import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { FAILURE_HEADERS, encodeInt64 } from '../../../../lib/core/consumer/failure/failure-headers.js';
import { RETRY_DUE_PAUSE_HOLDER, RetryDueGate, dueAt, type PausedPartitions } from '../../../../lib/core/consumer/retry-topics/due-gate.js';
import { RetryTopicMap } from '../../../../lib/core/consumer/retry-topics/retry-topic-names.js';
import type { PartitionBatch } from '../../../../lib/core/consumer/transport.js';
import { silentLogger } from '../../../../lib/core/logger.js';
import { KafkaMessage } from '../../../../lib/core/message.js';

const RETRY = 'orders.retry-1000';

function record(topic: string, offset: number, due?: number, timestamp = ''): KafkaMessage {
  const headers = due === undefined ? {} : { [FAILURE_HEADERS.backoffTimestamp]: encodeInt64(due) };
  return new KafkaMessage({ topic, partition: 0, offset: String(offset), value: Buffer.from('v'), headers, timestamp });
}

function batchOf(topic: string, messages: KafkaMessage[]): PartitionBatch & { resolved: string[] } {
  const resolved: string[] = [];
  return { topic, partition: 0, messages, resolved, resolveOffset: (o) => resolved.push(o), heartbeat: async () => true };
}

function fakePauser() {
  const log: string[] = [];
  const paused = new Set<string>();
  const keys = (parts: readonly PausedPartitions[]) => parts.flatMap((p) => (p.partitions ?? []).map((n) => `${p.topic}|${n}`));
  return {
    log,
    paused,
    pause(parts: readonly PausedPartitions[], holder?: string) {
      assert.equal(holder, RETRY_DUE_PAUSE_HOLDER);
      for (const k of keys(parts)) {
        paused.add(k);
        log.push(`pause ${k}`);
      }
    },
    resume(parts: readonly PausedPartitions[], holder?: string) {
      assert.equal(holder, RETRY_DUE_PAUSE_HOLDER);
      for (const k of keys(parts)) {
        paused.delete(k);
        log.push(`resume ${k}`);
      }
    },
  };
}

function gateAt(clock: { now: number }, pauser = fakePauser()) {
  const retryTopics = new RetryTopicMap({
    topics: ['orders'],
    failurePolicy: { retryTopics: [1000, 5000], then: 'deadLetter', deadLetterTopic: undefined },
  });
  const gate = new RetryDueGate({ retryTopics, pauser, logger: silentLogger, now: () => clock.now });
  return { gate, pauser };
}

describe('RetryDueGate', () => {
  it('passes records of the group topics untouched', () => {
    const { gate, pauser } = gateAt({ now: 0 });
    const batch = batchOf('orders', [record('orders', 0, 10_000)]);
    assert.equal(gate.admit(batch), batch);
    assert.deepEqual(pauser.log, []);
  });

  it('hands over the due records, cuts before the first one not due and pauses its partition until then', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    try {
      const clock = { now: 10_000 };
      const { gate, pauser } = gateAt(clock);
      const batch = batchOf(RETRY, [record(RETRY, 3, 9_000), record(RETRY, 4, 10_000), record(RETRY, 5, 10_400), record(RETRY, 6, 9_500)]);
      const admitted = gate.admit(batch);
      assert.deepEqual(
        admitted.messages.map((m) => m.offset),
        ['3', '4'],
      );
      // The cut batch resolves through the original one; the due records go first, unpaused.
      admitted.resolveOffset('4');
      assert.deepEqual(batch.resolved, ['4']);
      assert.deepEqual(pauser.log, []);
      // Offered again from the first record not due: nothing to hand over, the partition waits.
      assert.equal(gate.admit(batchOf(RETRY, [record(RETRY, 5, 10_400), record(RETRY, 6, 9_500)])).messages.length, 0);
      assert.deepEqual(pauser.log, [`pause ${RETRY}|0`]);
      assert.equal(gate.waiting, 1);

      mock.timers.tick(399);
      assert.ok(pauser.paused.has(`${RETRY}|0`), 'still paused 1 ms before the record is due');
      mock.timers.tick(1);
      assert.deepEqual(pauser.log, [`pause ${RETRY}|0`, `resume ${RETRY}|0`]);
      assert.equal(gate.waiting, 0);

      clock.now = 10_400;
      assert.deepEqual(
        gate.admit(batchOf(RETRY, [record(RETRY, 5, 10_400), record(RETRY, 6, 9_500)])).messages.map((m) => m.offset),
        ['5', '6'],
      );
    } finally {
      mock.timers.reset();
    }
  });

  it('never waits longer than the topic delay (a due time far ahead), and an earlier due time moves the resume forward', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const clock = { now: 0 };
      const { gate, pauser } = gateAt(clock);
      assert.equal(gate.admit(batchOf(RETRY, [record(RETRY, 0, 99_999_999)])).messages.length, 0);
      mock.timers.tick(999);
      assert.ok(pauser.paused.has(`${RETRY}|0`));
      // A later batch (another fetch before the pause took) with an earlier due record.
      assert.equal(gate.admit(batchOf(RETRY, [record(RETRY, 0, 1_200)])).messages.length, 0);
      mock.timers.tick(1);
      assert.ok(!pauser.paused.has(`${RETRY}|0`), 'resumed after at most the delay');
      assert.equal(pauser.log.filter((l) => l.startsWith('resume')).length, 1);
    } finally {
      mock.timers.reset();
    }
  });

  it('dispose lifts its pauses and clears its timers', () => {
    const { gate, pauser } = gateAt({ now: 0 });
    gate.admit(batchOf('orders.retry-5000', [record('orders.retry-5000', 0, 4_000)]));
    assert.ok(pauser.paused.has('orders.retry-5000|0'));
    gate.dispose();
    assert.equal(pauser.paused.size, 0);
    assert.equal(gate.waiting, 0);
    gate.admit(batchOf('orders.retry-5000', [record('orders.retry-5000', 0, 4_000)]));
    assert.equal(pauser.paused.size, 0, 'a disposed gate pauses nothing');
  });

  it('a record without the due header is due at its timestamp plus the delay; without either, at once', () => {
    assert.equal(dueAt(record(RETRY, 0, undefined, '5000'), 1000), 6000);
    assert.equal(dueAt(record(RETRY, 0, undefined, ''), 1000), 0);
    assert.equal(dueAt(record(RETRY, 0, 7000, '5000'), 1000), 7000);
  });
});
