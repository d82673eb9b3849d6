// C2 of `npm run chaos -- --quick`: graceful restarts (stopAndWait + close) under load.
import { describe, it } from 'node:test';
import { assertGoal, runQuickScenario } from './support.js';

describe('chaos C2: graceful restarts (3-node cluster, quick set)', () => {
  it('loses nothing and handles nothing twice while members are restarted gracefully every ~5 s', async (t) => {
    const results = await runQuickScenario(t, 'C2');
    assertGoal(results, '0 lost');
    assertGoal(results, '0 duplicates');
  });
});
