import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitWhileOpen } from '../../../../lib/core/consumer/failure/gate-wait.js';
import { ConsumePipeline } from '../../../../lib/core/consumer/pipeline.js';

function pipeline(): ConsumePipeline {
  return new ConsumePipeline({ commitInterval: 60_000, heartbeatInterval: 60_000, commit: async () => {}, emit: () => {}, logData: {} });
}

describe('the pipeline gate signal', () => {
  it('is aborted when dispatching stops (drain, rebalance) and fresh again when the pipeline opens', async () => {
    const p = pipeline();
    try {
      p.open();
      const first = p.signal;
      assert.equal(first.aborted, false);
      const waiting = waitWhileOpen(60_000, p);
      const started = Date.now();
      void p.onRebalancing();
      assert.equal(first.aborted, true);
      assert.equal(await waiting, false, 'a rebalance cuts the wait');
      assert.ok(Date.now() - started < 1_000);
      p.onGroupJoin();
      const second = p.signal;
      assert.notEqual(second, first);
      assert.equal(second.aborted, false);
      assert.equal(await waitWhileOpen(5, p), true, 'an open gate lets the time pass');
      const draining = waitWhileOpen(60_000, p);
      await p.drain();
      assert.equal(second.aborted, true);
      assert.equal(await draining, false, 'a stop (drain) cuts the wait');
      assert.equal(await waitWhileOpen(60_000, p), false, 'a closed gate does not wait at all');
      p.open();
      assert.equal(p.signal.aborted, false);
    } finally {
      p.dispose();
    }
  });

  it('a gate without a signal (a test fake) waits on time only', async () => {
    assert.equal(await waitWhileOpen(5, { shouldDispatch: true }), true);
    assert.equal(await waitWhileOpen(5, { shouldDispatch: false }), false);
  });
});
