import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeLag, type OffsetSource } from '../../../lib/core/health/consumer-lag.js';

describe('computeLag', () => {
  it('is log end minus committed offset, or the records in the log when nothing is committed', async () => {
    const source: OffsetSource = {
      fetchOffsets: async () => [
        {
          topic: 't',
          partitions: [
            { partition: 0, offset: '7' },
            { partition: 1, offset: '-1' },
          ],
        },
      ],
      fetchTopicOffsets: async () => [
        { partition: 1, high: '20', low: '5' },
        { partition: 0, high: '10', low: '0' },
      ],
    };
    const lag = await computeLag(source, 'g', ['t']);
    assert.deepEqual(lag.partitions, [
      { topic: 't', partition: 0, committedOffset: '7', highWatermark: '10', lag: 3 },
      { topic: 't', partition: 1, committedOffset: null, highWatermark: '20', lag: 15 },
    ]);
    assert.equal(lag.total, 18);
  });
});
