// C3 of `npm run chaos -- --quick`: the leader of most partitions SIGKILLed under awaited sends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGoal, runQuickScenario } from './support.js';

describe('chaos C3: broker kill under awaited sends (3-node cluster, quick set)', () => {
  it("with acks 'all', no send fails, every acknowledged record is in the topic and the producer recovers without a restart", async (t) => {
    const results = await runQuickScenario(t, 'C3');
    const acksAll = results.filter((r) => r.variant === 'acks all');
    assert.equal(acksAll.length, 1, 'one acks-all run in the quick set');
    assertGoal(acksAll, 'every acknowledged record readable');
    assertGoal(acksAll, 'no send fails over the fail-over');
    assertGoal(acksAll, 'producer recovers without a restart');
    assert.ok(acksAll[0]!.ackStallMs !== undefined, 'the stall time is measured');
  });
});
