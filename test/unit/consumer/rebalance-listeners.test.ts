import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RebalanceListeners } from '../../../lib/core/consumer/rebalance-listeners.js';
import { KafkaOperationError, KafkaTimeoutError, type KafkaError } from '../../../lib/core/errors.js';

const P0 = [{ topic: 't', partitions: [0] }];
const P1 = [{ topic: 't', partitions: [1] }];

describe('RebalanceListeners', () => {
  it('pairs every assignment with one revocation, one call at a time in order, also when a join comes without a revocation', async () => {
    const log: string[] = [];
    const listeners = new RebalanceListeners({
      onAssigned: async (ps) => {
        await new Promise((r) => setTimeout(r, 5));
        log.push(`assigned ${ps[0]!.partitions.join(',')}`);
      },
      onRevoked: (ps) => void log.push(`revoked ${ps[0]!.partitions.join(',')}`),
      emit: () => assert.fail('no error expected'),
      logData: () => ({}),
    });
    void listeners.assigned(P0);
    void listeners.assigned(P1); // e.g. after a crash: revokes [0] first
    await listeners.revoked();
    await listeners.revoked(); // nothing held: no call
    assert.deepEqual(log, ['assigned 0', 'revoked 0', 'assigned 1', 'revoked 1']);
    assert.equal(listeners.holding, false);
  });

  it('reports a throwing, rejecting or hanging listener and goes on', async () => {
    const errors: KafkaError[] = [];
    let calls = 0;
    const listeners = new RebalanceListeners({
      onAssigned: () => {
        calls++;
        throw new Error('sync boom');
      },
      onRevoked: () => (calls++ === 1 ? Promise.reject(new Error('async boom')) : new Promise(() => undefined)),
      emit: (e) => errors.push(e),
      logData: () => ({}),
      timeoutMs: 20,
    });
    await listeners.assigned(P0);
    await listeners.revoked();
    await listeners.assigned(P1);
    await listeners.revoked(); // never settles: given up after 20 ms
    assert.equal(calls, 4);
    assert.deepEqual(
      errors.map((e) => [e.constructor, /onPartitions(Assigned|Revoked)/.exec(e.message)?.[0]]),
      [
        [KafkaOperationError, 'onPartitionsAssigned'],
        [KafkaOperationError, 'onPartitionsRevoked'],
        [KafkaOperationError, 'onPartitionsAssigned'],
        [KafkaTimeoutError, 'onPartitionsRevoked'],
      ],
    );
  });
});
