/**
 * C6: Avro records on 3 partitions (RF 3), among them one value that is not valid Avro (the
 * poison) and one valid record whose handler throws, both on partition 0 with valid records
 * after them. One member process, 2 workers, NO subscriber on `group.errors`: the library must
 * log both failures itself. Goals: the partition keeps flowing, no crash loop (each bad record is
 * handled once, the group never goes back to Starting), the errors are logged.
 */
import { goalsSummary } from '../report.js';
import { createTopic } from '../../test/support/env.js';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaProducer } from '../../lib/index.js';
import { ID_HEADER, readBack } from '../cluster.js';
import { runOnChaosCluster } from '../cluster-runs.js';
import { errorSummary } from '../group-run.js';
import { CHAOS_AVRO_SCHEMA } from '../member-protocol.js';
import { countHandled, MemberPool } from '../members.js';
import type { GoalCheck, RunResult, Scenario, ScenarioContext } from '../types.js';
import { fileLogger, finishRun, newWorkspace } from '../workspace.js';
import type { EmbeddedKafka } from '../../scripts/kafka/embedded-kafka.js';

const PARTITIONS = 3;
/** Not Avro for the schema: a long and then a truncated string. */
const POISON = Buffer.from([0x02]);

async function runOnce(cluster: EmbeddedKafka, run: number, context: ScenarioContext): Promise<RunResult> {
  const started = Date.now();
  const records = context.mode === 'full' ? 3_000 : 600;
  // Both on partition 0 (id % 3 == 0), a third and two thirds of the way in.
  const poisonId = 3 * Math.floor(records / 9);
  const throwId = 3 * Math.floor((2 * records) / 9);
  const label = `C6-${run}`;
  const dir = newWorkspace(label);
  const brokers = cluster.brokers;
  const topic = `chaos-${label}-${process.pid}-${Date.now().toString(36)}`.toLowerCase();
  const notes: string[] = [];
  const pool = new MemberPool(dir, {
    brokers,
    topic,
    groupName: `${topic}-group`,
    numWorkers: 2,
    handlerMs: 0,
    avro: true,
    throwForIds: [throwId],
    subscribeErrors: false,
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
  try {
    await createTopic(topic, PARTITIONS, [...brokers], 3);
    const member = pool.spawn();
    await member.waitForState('Consuming', 90_000);
    await producer.waitUntilInitialised();
    // Sent in order, a few at a time, so the poison has valid records before and after it.
    for (let base = 0; base < records; base += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, records - base) }, async (_, k) => {
          const id = base + k;
          const options = { partition: id % PARTITIONS, headers: { [ID_HEADER]: String(id) } };
          sent++;
          try {
            if (id === poisonId) await producer.sendBytes(POISON, options);
            else await producer.send(CHAOS_AVRO_SCHEMA, { id, note: `record ${id}` }, options);
            acked.add(id);
          } catch {
            failed++;
          }
        }),
      );
    }
    context.log(`${label}: ${acked.size} records sent (poison ${poisonId}, handler throws for ${throwId})`);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && ![...acked].every((id) => pool.handled().some((h) => h.id === id))) await sleep(250);
    // Past the last record: a crash loop would show as more deliveries of the bad records.
    await sleep(3_000);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    await pool.stopAll();
    await producer.close();
  }
  const handled = pool.handled();
  const handledIds = countHandled(handled);
  const back = await readBack(brokers, topic, acked);
  error ??= back.error;
  const poisonOffset = back.contents?.where.get(poisonId)?.offset;
  const lostIds = [...acked].filter((id) => !handledIds.has(id));
  const afterPoison = [...acked].filter((id) => id % PARTITIONS === 0 && id > poisonId);
  const afterPoisonHandled = afterPoison.filter((id) => handledIds.has(id)).length;
  const member = pool.members[0];
  const firstConsuming = member?.states.findIndex((s) => s.state === 'Consuming') ?? -1;
  const restarts = firstConsuming < 0 ? 0 : (member?.states.slice(firstConsuming + 1).filter((s) => s.state === 'Starting').length ?? 0);
  const errorLines = pool.errorLogs().map((e) => JSON.stringify(e));
  const poisonLogged =
    poisonOffset !== undefined && errorLines.some((l) => l.includes(`"offset":"${poisonOffset}"`) && /"partition":"?0"?[,}]/.test(l));
  const throwLogged = errorLines.some((l) => l.includes(`refuses record ${throwId}`));
  notes.push(
    `poison id ${poisonId} at p0@${poisonOffset ?? '?'} handled ${handledIds.get(poisonId) ?? 0}x; throwing id ${throwId} handled ${handledIds.get(throwId) ?? 0}x`,
  );
  notes.push(`${errorLines.length} error-level log lines from the member`);
  notes.push(...errorSummary(pool, 3));
  if (lostIds.length > 0) notes.push(`never handled (first 10): ${lostIds.slice(0, 10).join(', ')}`);
  const goals: GoalCheck[] = [
    {
      goal: 'the partition keeps flowing',
      met: lostIds.length === 0 && afterPoison.length > 0 && afterPoisonHandled === afterPoison.length,
      measured: `${afterPoisonHandled} of ${afterPoison.length} records after the poison on its partition handled; ${lostIds.length} of ${acked.size} never handled`,
    },
    {
      goal: 'no crash loop',
      met: restarts === 0 && handledIds.get(poisonId) === 1 && handledIds.get(throwId) === 1,
      measured: `group back to Starting ${restarts}x; poison handled ${handledIds.get(poisonId) ?? 0}x, throwing record ${handledIds.get(throwId) ?? 0}x`,
    },
    {
      goal: 'the errors are logged with no subscription',
      met: poisonLogged && throwLogged,
      measured: `poison ${poisonLogged ? 'logged' : 'NOT logged'}, handler error ${throwLogged ? 'logged' : 'NOT logged'}`,
    },
  ];
  return finishRun(dir, {
    scenario: 'C6',
    variant: '',
    run,
    durationMs: Date.now() - started,
    sent,
    acked: acked.size,
    failed,
    readable: back.readable,
    ackedUnreadable: back.unreadable.length,
    handledUnique: handledIds.size,
    handledTotal: handled.length,
    lost: lostIds.length,
    duplicates: handled.length - handledIds.size,
    faults: 2,
    goals,
    notes,
    ...(error === undefined ? {} : { error }),
  });
}

export const C6: Scenario = {
  id: 'C6',
  title: 'poison: a value that is not valid Avro among valid ones, and a handler that throws for one id; no error subscriber',
  goals: ['the partition keeps flowing', 'no crash loop', 'the error is logged with no subscription'],
  quick: true,
  fullRuns: 1,
  run: (context) => runOnChaosCluster(context, (cluster, run) => runOnce(cluster, run, context), goalsSummary),
};
