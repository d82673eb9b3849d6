/**
 * C8: retry topics under a SIGKILL. Two member processes (2 workers each) on 3 partitions (RF 3)
 * with `onError: { retryTopics: [3000], then: 'deadLetter' }`. Some records fail on their first
 * delivery only (a retry topic handles them), a few fail every time (they end in the dead-letter
 * topic). Once every failing record went to the retry topic, and while they wait there to fall
 * due, one member is SIGKILLed and replaced. Goals: nothing lost (each acknowledged record is
 * handled successfully or sits in the DLT), each exactly once, and no retry handled before its
 * delay.
 */
import { goalsSummary } from '../report.js';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaProducer } from '../../lib/index.js';
import { createTopic } from '../../test/support/env.js';
import type { EmbeddedKafka } from '../../scripts/kafka/embedded-kafka.js';
import { ID_HEADER, readBack } from '../cluster.js';
import { runOnChaosCluster } from '../cluster-runs.js';
import { errorSummary } from '../group-run.js';
import { countHandled, MemberPool } from '../members.js';
import type { GoalCheck, RunResult, Scenario, ScenarioContext } from '../types.js';
import { fileLogger, finishRun, newWorkspace } from '../workspace.js';

const PARTITIONS = 3;
const RETRY_DELAY_MS = 3_000;
/** Into the retry wait when the member is killed: after the 1 s commit interval, before the records are due. */
const KILL_AFTER_MS = 1_500;
/** The group's commit interval: a record handled this close before a SIGKILL may not be committed (at-least-once). */
const COMMIT_INTERVAL_MS = 1_000;

async function runOnce(cluster: EmbeddedKafka, run: number, context: ScenarioContext): Promise<RunResult> {
  const started = Date.now();
  const records = context.mode === 'full' ? 6_000 : 1_500;
  const failOnce = Array.from({ length: records }, (_, id) => id).filter((id) => id % 50 === 7);
  const alwaysFail = Array.from({ length: records }, (_, id) => id).filter((id) => id % 500 === 11);
  const label = `C8-${run}`;
  const dir = newWorkspace(label);
  const brokers = cluster.brokers;
  const topic = `chaos-${label}-${process.pid}-${Date.now().toString(36)}`.toLowerCase();
  const dlt = `${topic}.DLT`;
  const notes: string[] = [];
  const pool = new MemberPool(dir, {
    brokers,
    topic,
    groupName: `${topic}-group`,
    numWorkers: 2,
    handlerMs: 0,
    avro: false,
    throwForIds: alwaysFail,
    failOnceIds: failOnce,
    subscribeErrors: false,
    onError: { retryTopics: [RETRY_DELAY_MS], then: 'deadLetter' },
  });
  const producer = new KafkaProducer({
    brokers,
    topic,
    clientId: `chaos-${label}`,
    acks: 'all',
    logger: fileLogger(join(dir, 'producer.jsonl')),
  });
  const acked = new Set<number>();
  let sent = 0;
  let failed = 0;
  let error: string | undefined;
  let killedAt = 0;
  const failing = new Set([...failOnce, ...alwaysFail]);
  const okIds = () =>
    new Set(
      pool
        .handled()
        .filter((h) => h.ok)
        .map((h) => h.id),
    );
  try {
    await createTopic(topic, PARTITIONS, [...brokers], 3);
    const members = [pool.spawn(), pool.spawn()];
    await Promise.all(members.map((m) => m.waitForState('Consuming', 90_000)));
    await producer.waitUntilInitialised();
    for (let base = 0; base < records; base += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, records - base) }, async (_, k) => {
          const id = base + k;
          sent++;
          try {
            await producer.sendJSON({ id }, { key: `k${id}`, headers: { [ID_HEADER]: String(id) } });
            acked.add(id);
          } catch {
            failed++;
          }
        }),
      );
    }
    context.log(`${label}: ${acked.size} records sent (${failOnce.length} fail once, ${alwaysFail.length} always)`);
    // Every failing record failed once (it is on the retry topic now) and every other one is handled.
    const firstFailures = () =>
      new Set(
        pool
          .handled()
          .filter((h) => !h.ok)
          .map((h) => h.id),
      );
    const ready = Date.now() + 60_000;
    while (Date.now() < ready) {
      const failedOnce = firstFailures();
      const ok = okIds();
      if ([...failing].every((id) => failedOnce.has(id)) && [...acked].every((id) => failing.has(id) || ok.has(id))) break;
      await sleep(100);
    }
    const lastFirstFailure = Math.max(
      ...pool
        .handled()
        .filter((h) => !h.ok)
        .map((h) => h.at),
    );
    await sleep(Math.max(0, lastFirstFailure + KILL_AFTER_MS - Date.now()));
    const victim = pool.running[0]!;
    killedAt = Date.now();
    await victim.kill();
    notes.push(
      `SIGKILLed ${victim.name} ${killedAt - lastFirstFailure} ms after the last first failure (retry delay ${RETRY_DELAY_MS} ms)`,
    );
    await pool.spawn().waitForState('Consuming', 90_000);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && ![...acked].every((id) => alwaysFail.includes(id) || okIds().has(id))) await sleep(250);
    // Room for the always-failing records to reach the DLT and for anything handled twice to show.
    await sleep(RETRY_DELAY_MS + 2_000);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    await pool.stopAll();
    await producer.close();
  }
  const handled = pool.handled();
  const okCounts = countHandled(handled.filter((h) => h.ok));
  const back = await readBack(brokers, topic, acked);
  const dead = await readBack(brokers, dlt, new Set(alwaysFail.filter((id) => acked.has(id))));
  error ??= back.error ?? dead.error;
  const deadIds = dead.contents?.ids ?? new Map<number, number>();
  const lostIds = [...acked].filter((id) => !okCounts.has(id) && !deadIds.has(id));
  const handledTwice = [...okCounts].filter(([, n]) => n > 1).map(([id]) => id);
  // Handled just before the SIGKILL and not yet committed: handled again by the next owner (at-least-once).
  const firstOk = (id: number) => handled.find((h) => h.id === id && h.ok)?.at ?? 0;
  const inLastInterval = (at: number) => killedAt > 0 && at >= killedAt - COMMIT_INTERVAL_MS - 250 && at <= killedAt;
  const uncommittedAtKill = handledTwice.filter((id) => inLastInterval(firstOk(id)));
  const otherTwice = handledTwice.filter((id) => !uncommittedAtKill.includes(id));
  const deadTwice = [...deadIds].filter(([, n]) => n > 1).map(([id]) => id);
  // Dead-lettered (its failure on the retry topic) just before the SIGKILL, the retry-topic offset not yet committed.
  const deadLetteredAt = (id: number) =>
    handled
      .filter((h) => h.id === id && !h.ok)
      .map((h) => h.at)
      .sort((a, b) => a - b)[1] ?? 0;
  const deadUncommitted = deadTwice.filter((id) => inLastInterval(deadLetteredAt(id)));
  const deadOtherTwice = deadTwice.filter((id) => !deadUncommitted.includes(id));
  const deadWrong = [...deadIds.keys()].filter((id) => !alwaysFail.includes(id));
  // Wait between a record's first failure and its successful retry.
  const waits = failOnce
    .map((id) => {
      const first = handled.find((h) => h.id === id && !h.ok)?.at;
      const ok = handled.find((h) => h.id === id && h.ok)?.at;
      return first === undefined || ok === undefined ? undefined : ok - first;
    })
    .filter((w): w is number => w !== undefined)
    .sort((a, b) => a - b);
  const quantile = (q: number) => waits[Math.min(waits.length - 1, Math.floor(q * waits.length))] ?? -1;
  notes.push(
    `retry waits (first failure -> successful retry), ms: min ${quantile(0)}, median ${quantile(0.5)}, p90 ${quantile(0.9)}, max ${quantile(1)} over ${waits.length} records`,
  );
  notes.push(`DLT holds ${deadIds.size} ids (${[...deadIds.values()].reduce((a, b) => a + b, 0)} records)`);
  notes.push(...errorSummary(pool, 3));
  if (lostIds.length > 0) notes.push(`lost (first 10): ${lostIds.slice(0, 10).join(', ')}`);
  if (handledTwice.length > 0) notes.push(`handled twice (first 10): ${handledTwice.slice(0, 10).join(', ')}`);
  const goals: GoalCheck[] = [
    {
      goal: '0 lost',
      met: lostIds.length === 0 && acked.size > 0,
      measured: `${lostIds.length} of ${acked.size} acknowledged records neither handled successfully nor in the DLT`,
    },
    {
      goal: 'exactly once (but the last commit interval before the SIGKILL)',
      met: otherTwice.length === 0 && deadOtherTwice.length === 0 && deadWrong.length === 0,
      measured:
        `${handledTwice.length} handled successfully more than once (${uncommittedAtKill.length} of them handled in the last ` +
        `${COMMIT_INTERVAL_MS} ms before the SIGKILL, not yet committed); ${deadTwice.length} in the DLT more than once (${deadUncommitted.length} of them ` +
        `dead-lettered in that interval); ${deadWrong.length} in the DLT that should not be`,
    },
    {
      goal: 'no retry before its delay',
      met: waits.length === failOnce.length && quantile(0) >= RETRY_DELAY_MS - 5,
      measured: `shortest wait ${quantile(0)} ms of ${RETRY_DELAY_MS}; ${waits.length} of ${failOnce.length} retried records handled`,
    },
  ];
  return finishRun(dir, {
    scenario: 'C8',
    variant: '',
    run,
    durationMs: Date.now() - started,
    sent,
    acked: acked.size,
    failed,
    readable: back.readable,
    ackedUnreadable: back.unreadable.length,
    handledUnique: okCounts.size,
    handledTotal: handled.filter((h) => h.ok).length,
    lost: lostIds.length,
    duplicates: handledTwice.length,
    faults: 1,
    goals,
    notes,
    ...(error === undefined ? {} : { error }),
  });
}

export const C8: Scenario = {
  id: 'C8',
  title: 'retry topics: records failing into a 3 s retry topic (some on to the DLT), a member SIGKILLed during the retry wait',
  goals: ['0 lost (handled or in the DLT)', 'exactly once (but the last commit interval before the SIGKILL)', 'no retry before its delay'],
  quick: false,
  fullRuns: 3,
  run: (context) =>
    runOnChaosCluster(
      context,
      (cluster, run) => runOnce(cluster, run, context),
      (result) => `${goalsSummary(result)}; ${result.notes[1] ?? ''}`,
    ),
};
