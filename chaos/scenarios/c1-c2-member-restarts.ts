/**
 * C1 and C2: three member processes with 4 workers on 6 partitions (RF 3) while keyed records
 * flow; every ~5 s the oldest member is replaced. C1 SIGKILLs it (a crash: duplicates expected,
 * nothing lost); C2 stops it gracefully with `stopAndWait()` + `close()` (nothing lost and
 * nothing handled twice).
 */
import { startChaosCluster } from '../cluster.js';
import { every, runGroupScenario, type GroupCounts } from '../group-run.js';
import type { GoalCheck, RunResult, Scenario, ScenarioContext } from '../types.js';

const RESTART_EVERY_MS = 5_000;
/** Longest wait for a replacement member to consume before the next restart. */
const JOIN_LIMIT_MS = 60_000;
/** Each scenario run's time limit. */
const RUN_LIMIT_MS = 9 * 60_000;

function sizes(context: ScenarioContext): { records: number; ratePerSecond: number } {
  return context.mode === 'full' ? { records: 100_000, ratePerSecond: 2_000 } : { records: 16_000, ratePerSecond: 800 };
}

export function lostGoal(counts: GroupCounts): GoalCheck {
  return { goal: '0 lost', met: counts.lost === 0, measured: `${counts.lost} of ${counts.acked.size} acknowledged records never handled` };
}

/** Time from each fault to the next handled record, the longest of them. */
export function recoverAfterFaults(counts: GroupCounts): { ms: number; meaning: string } | undefined {
  const times = counts.handled.map((h) => h.at).sort((a, b) => a - b);
  let worst = -1;
  for (const fault of counts.faultTimes) {
    const next = times.find((t) => t > fault);
    if (next !== undefined) worst = Math.max(worst, next - fault);
  }
  return worst < 0 ? undefined : { ms: worst, meaning: 'longest time from a fault to the next handled record' };
}

async function runRestarts(context: ScenarioContext, scenario: 'C1' | 'C2'): Promise<RunResult[]> {
  const cluster = await startChaosCluster();
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= context.runs; run++) {
      const result = await runGroupScenario({
        scenario,
        variant: '',
        run,
        cluster,
        partitions: 6,
        ...sizes(context),
        acks: 'all',
        members: 3,
        numWorkers: 4,
        handlerMs: 1,
        drainStallMs: 45_000,
        deadline: Date.now() + RUN_LIMIT_MS,
        log: context.log,
        fault: async (f) =>
          every(RESTART_EVERY_MS, f.loadDone, async (n) => {
            const victim = f.pool.running[0];
            if (victim === undefined) return;
            const at = Date.now();
            if (scenario === 'C1') {
              await victim.kill();
              f.note(`restart ${n}: SIGKILLed ${victim.name}`, at);
            } else {
              const stop = await victim.stop();
              f.note(
                `restart ${n}: ${victim.name} stopped in ${stop.ms} ms${stop.graceful ? '' : ' (NOT graceful: killed after the time limit)'}`,
                at,
              );
            }
            // The next restart waits until the replacement consumes: on a loaded machine a new
            // member can take longer than the period to join, and faults would only pile up.
            const replacement = f.pool.spawn();
            await replacement
              .waitForState('Consuming', JOIN_LIMIT_MS)
              .catch(() => f.log(`${scenario}: ${replacement.name} not consuming after ${JOIN_LIMIT_MS / 1000} s`));
          }),
        goals: (counts) =>
          scenario === 'C1'
            ? [lostGoal(counts)]
            : [
                lostGoal(counts),
                { goal: '0 duplicates', met: counts.duplicates === 0, measured: `${counts.duplicates} records handled more than once` },
              ],
        recover: recoverAfterFaults,
      });
      context.log(
        `${scenario} run ${run}: ${result.lost} lost, ${result.duplicates} duplicates${result.error ? `, error: ${result.error}` : ''}`,
      );
      results.push(result);
    }
  } finally {
    await cluster.close();
  }
  return results;
}

export const C1: Scenario = {
  id: 'C1',
  title: 'consumer SIGKILL: 3 member processes x 4 workers, 6 partitions RF 3, the oldest member SIGKILLed and replaced every ~5 s',
  goals: ['0 lost (duplicates reported)'],
  quick: true,
  fullRuns: 1,
  run: (context) => runRestarts(context, 'C1'),
};

export const C2: Scenario = {
  id: 'C2',
  title: 'graceful restarts: as C1, the member stopped with stopAndWait() + close() and replaced',
  goals: ['0 lost', '0 duplicates', '3 runs'],
  quick: true,
  fullRuns: 3,
  run: (context) => runRestarts(context, 'C2'),
};
