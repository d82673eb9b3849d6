// C1 of `npm run chaos -- --quick`: member processes SIGKILLed and replaced under load lose nothing.
import { describe, it } from 'node:test';
import { assertGoal, runQuickScenario } from './support.js';

describe('chaos C1: consumer SIGKILL (3-node cluster, quick set)', () => {
  it('loses no acknowledged record while members are SIGKILLed and replaced every ~5 s', async (t) => {
    const results = await runQuickScenario(t, 'C1');
    assertGoal(results, '0 lost');
  });
});
