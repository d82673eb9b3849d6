// C6 of `npm run chaos -- --quick`: a poison Avro record and a throwing handler, no error subscriber.
import { describe, it } from 'node:test';
import { assertGoal, runQuickScenario } from './support.js';

describe('chaos C6: poison records (3-node cluster, quick set)', () => {
  it('keeps the partition flowing, without a crash loop, and logs the errors with no subscriber', async (t) => {
    const results = await runQuickScenario(t, 'C6');
    assertGoal(results, 'the partition keeps flowing');
    assertGoal(results, 'no crash loop');
    assertGoal(results, 'the errors are logged with no subscription');
  });
});
