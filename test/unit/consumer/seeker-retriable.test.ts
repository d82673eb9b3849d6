import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaOperationError } from '../../../lib/core/errors.js';
import type { ConsumePipeline } from '../../../lib/core/consumer/pipeline.js';
import { Seeker } from '../../../lib/core/consumer/seeker.js';
import type { ConsumerTransport } from '../../../lib/core/consumer/transport.js';

/** A seeker over a transport whose end-offset reads fail with `failures` first. */
function seekerWith(failures: Error[]) {
  const moved: Array<[string, number, string]> = [];
  let reads = 0;
  const transport = {
    pause: () => {},
    resume: () => {},
    seek: (topic: string, partition: number, offset: string) => moved.push([topic, partition, offset]),
    offsets: {
      fetchTopicOffsets: async () => {
        reads++;
        const failure = failures.shift();
        if (failure !== undefined) throw failure;
        return [{ partition: 0, offset: '7', low: '0', high: '7' }];
      },
    },
  } as unknown as ConsumerTransport;
  const pipeline = { settle: async () => {}, tracker: { forget: () => {} } } as unknown as ConsumePipeline;
  const seeker = new Seeker({
    transport,
    pipeline,
    topics: ['t'],
    assignment: () => [{ topic: 't', partitions: [0] }],
    emit: () => {},
    logData: () => ({}),
  });
  return { seeker, moved, reads: () => reads };
}

describe('seek offset reads', () => {
  // Kafka 4 names a new topic's leader before it serves it; kafkajs' admin gives up at once.
  it('reads again after an error the client marks retriable, then moves the position', async () => {
    const notLeader = Object.assign(new Error('This server is not the leader for that topic-partition'), { retriable: true });
    const { seeker, moved, reads } = seekerWith([notLeader, notLeader]);
    await seeker.seek({ topic: 't', to: 'end' });
    assert.equal(reads(), 3);
    assert.deepEqual(moved, [['t', 0, '7']]);
  });

  it('fails at once on an error that is not retriable, without moving', async () => {
    const { seeker, moved, reads } = seekerWith([new Error('authorization failed')]);
    await assert.rejects(
      seeker.seek({ topic: 't', to: 'end' }),
      (err: unknown) => err instanceof KafkaOperationError && /position was not moved/.test(err.message),
    );
    assert.equal(reads(), 1);
    assert.deepEqual(moved, []);
  });
});
