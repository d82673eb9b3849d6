/**
 * Broker faults under produce + consume load (3 member processes x 4 workers, 6 partitions RF 3,
 * producer with `acks: 'all'`):
 * - C4 restarts the three brokers one after the other (graceful stop, restart, next);
 * - C7 freezes (SIGSTOP) the group's coordinator for longer than the group session timeout and
 *   the broker session timeout, then resumes it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { groupCoordinator, leaders, startChaosCluster } from '../cluster.js';
import { runGroupScenario, type GroupCounts } from '../group-run.js';
import type { RunResult, Scenario, ScenarioContext } from '../types.js';
import { lostGoal, recoverAfterFaults } from './c1-c2-member-restarts.js';

const RATE = 1_000;
const PAUSE_MS = 5_000;
/** C7: frozen this long; above the 10 s group session timeout and the 3 s broker session timeout. */
const FREEZE_MS = 20_000;

async function runBrokerFault(context: ScenarioContext, scenario: 'C4' | 'C7'): Promise<RunResult[]> {
  const cluster = await startChaosCluster();
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= context.runs; run++) {
      let thawedAt = 0;
      const result = await runGroupScenario({
        scenario,
        variant: '',
        run,
        cluster,
        partitions: 6,
        // The fault sequence ends the load; this is only the cap.
        records: RATE * 300,
        ratePerSecond: RATE,
        acks: 'all',
        members: 3,
        numWorkers: 4,
        handlerMs: 1,
        drainStallMs: 60_000,
        deadline: Date.now() + 9 * 60_000,
        log: context.log,
        fault: async (f) => {
          let faults = 0;
          await sleep(PAUSE_MS);
          if (scenario === 'C4') {
            for (const node of cluster.nodes) {
              const t0 = Date.now();
              f.note(`node ${node.nodeId}: graceful stop`);
              await cluster.stopNode(node.nodeId);
              const stoppedMs = Date.now() - t0;
              await sleep(PAUSE_MS);
              await cluster.startNode(node.nodeId);
              faults++;
              f.log(`C4 run ${run}: node ${node.nodeId} restarted (stop took ${stoppedMs} ms)`);
              await sleep(PAUSE_MS);
            }
          } else {
            const coordinator = await groupCoordinator(cluster.brokers, f.groupName);
            const led = [...(await leaders(cluster.brokers, f.topic)).entries()].filter(([, l]) => l === coordinator).map(([p]) => `p${p}`);
            f.note(
              `froze node ${coordinator} (group coordinator, leader of ${led.join(', ') || 'no partition'}) for ${FREEZE_MS / 1000} s`,
            );
            cluster.freezeNode(coordinator);
            try {
              await sleep(FREEZE_MS);
            } finally {
              cluster.thawNode(coordinator);
            }
            thawedAt = Date.now();
            faults++;
            await sleep(2 * PAUSE_MS);
          }
          await f.load.stop();
          return faults;
        },
        goals: (counts) => (scenario === 'C4' ? [lostGoal(counts)] : [lostGoal(counts), recoveredGoal(counts, thawedAt)]),
        recover: (counts) => (scenario === 'C7' && thawedAt > 0 ? fromThaw(counts, thawedAt) : recoverAfterFaults(counts)),
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

function fromThaw(counts: GroupCounts, thawedAt: number): { ms: number; meaning: string } | undefined {
  const next = counts.handled
    .map((h) => h.at)
    .filter((t) => t >= thawedAt)
    .sort((a, b) => a - b)[0];
  return next === undefined ? undefined : { ms: next - thawedAt, meaning: 'from the resume to the next handled record' };
}

function recoveredGoal(counts: GroupCounts, thawedAt: number): { goal: string; met: boolean; measured: string } {
  const after = counts.handled.filter((h) => h.at >= thawedAt).length;
  // What the group could have handled: acknowledged records that are in the topic.
  const pending = [...counts.acked].filter((id) => !counts.handledIds.has(id) && !counts.unreadable.has(id)).length;
  return {
    goal: 'the group recovers',
    met: thawedAt > 0 && after > 0 && pending === 0,
    measured: `${after} records handled after the resume; ${pending} acknowledged records in the topic still unhandled at the end`,
  };
}

export const C4: Scenario = {
  id: 'C4',
  title: 'rolling restart of all three brokers (graceful stop, restart, next) under produce (acks all) + consume load',
  goals: ['0 lost with acks all'],
  quick: false,
  fullRuns: 1,
  run: (context) => runBrokerFault(context, 'C4'),
};

export const C7: Scenario = {
  id: 'C7',
  title: `the group coordinator frozen (SIGSTOP) for ${FREEZE_MS / 1000} s, longer than the session timeouts, then resumed, under load`,
  goals: ['0 lost', 'the group recovers'],
  quick: false,
  fullRuns: 1,
  run: (context) => runBrokerFault(context, 'C7'),
};
