import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { runQuick } from '../../../chaos/catalogue.js';
import { formatDetails, formatResults } from '../../../chaos/report.js';
import type { RunResult } from '../../../chaos/types.js';

/**
 * Runs one scenario of `npm run chaos -- --quick` in this test process (the same code as the
 * CLI), prints its table as test diagnostics, and checks that the run itself did not break.
 */
export async function runQuickScenario(t: TestContext, id: string): Promise<RunResult[]> {
  const results = await runQuick(id, (line) => t.diagnostic(line));
  for (const line of `${formatResults(results)}\n${formatDetails(results)}`.split('\n')) t.diagnostic(line);
  assert.ok(results.length > 0, `${id} produced no result`);
  for (const r of results) assert.equal(r.error, undefined, `${id} run ${r.run} broke: ${r.error}\n${formatDetails([r])}`);
  return results;
}

/** Asserts that every run met the goal named `goal`, with the run's details in the message. */
export function assertGoal(results: readonly RunResult[], goal: string): void {
  for (const r of results) {
    const check = r.goals.find((g) => g.goal === goal);
    assert.ok(check, `${r.scenario} has no goal "${goal}" (it has: ${r.goals.map((g) => g.goal).join(', ')})`);
    assert.ok(
      check.met,
      `${r.scenario}${r.variant ? ` ${r.variant}` : ''} run ${r.run} missed "${goal}": ${check.measured}\n${formatDetails([r])}`,
    );
  }
}
