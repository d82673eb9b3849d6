import { C1, C2 } from './scenarios/c1-c2-member-restarts.js';
import { C3 } from './scenarios/c3-broker-kill.js';
import { C4, C7 } from './scenarios/c4-c7-broker-faults.js';
import { C5 } from './scenarios/c5-late-broker.js';
import { C6 } from './scenarios/c6-poison.js';
import { C8 } from './scenarios/c8-retry-topic-kill.js';
import type { ChaosMode, RunResult, Scenario } from './types.js';

/** Every scenario, in the order they run. */
export const SCENARIOS: readonly Scenario[] = [C1, C2, C3, C4, C5, C6, C7, C8];

/** Runs of a scenario: `runs` when given, else 1 in quick mode and the scenario's own count in full. */
export function runsFor(scenario: Scenario, mode: ChaosMode, runs?: number): number {
  return runs ?? (mode === 'quick' ? 1 : scenario.fullRuns);
}

/** Looks a scenario up by id (case-insensitive). */
export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id.toLowerCase() === id.toLowerCase());
}

/**
 * Runs one scenario of the quick set in this process (what the test files call): the same code
 * as `npm run chaos -- --quick --only=<id>`.
 */
export async function runQuick(id: string, log: (line: string) => void = () => undefined): Promise<RunResult[]> {
  const scenario = scenarioById(id);
  if (!scenario) throw new Error(`no chaos scenario ${id}`);
  return scenario.run({ mode: 'quick', runs: 1, log });
}
