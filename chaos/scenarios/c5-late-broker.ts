/**
 * C5: this module's producer and a group member are created against a port where no broker runs;
 * 15 s later a broker is started on that port (one node: the harness can only pin the port of a
 * single-node cluster). Measured: from the broker being ready (and the topic created) to the
 * first acknowledged send and to the first handled record, with no restart of either client.
 */
import { createTopic } from '../../test/support/env.js';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaProducer } from '../../lib/index.js';
import { freePort } from '../../scripts/kafka/ports.js';
import { killBrokersOnSignals } from '../../scripts/kafka/registry.js';
import { startSingleNode } from '../../scripts/kafka/single.js';
import type { EmbeddedKafka } from '../../scripts/kafka/embedded-kafka.js';
import { readTopic } from '../cluster.js';
import { errorSummary } from '../group-run.js';
import { countedLines, ProducerLoad } from '../load.js';
import { MemberPool } from '../members.js';
import type { GoalCheck, RunResult, Scenario, ScenarioContext } from '../types.js';
import { dropWorkspace, fileLogger, newWorkspace } from '../workspace.js';

const BROKER_LATE_MS = 15_000;
/** After the broker is ready, sending goes on this long. */
const SEND_AFTER_READY_MS = 20_000;

async function runOnce(run: number, context: ScenarioContext): Promise<RunResult> {
  const started = Date.now();
  const label = `C5-${run}`;
  const dir = newWorkspace(label);
  const port = await freePort();
  const brokers = [`127.0.0.1:${port}`];
  const topic = `chaos-${label}-${process.pid}-${Date.now().toString(36)}`.toLowerCase();
  const notes: string[] = [];
  const pool = new MemberPool(dir, {
    brokers,
    topic,
    groupName: `${topic}-group`,
    numWorkers: 4,
    handlerMs: 0,
    avro: false,
    throwForIds: [],
    subscribeErrors: true,
  });
  const producer = new KafkaProducer({ brokers, topic, clientId: `chaos-${label}`, logger: fileLogger(join(dir, 'producer.jsonl')) });
  let broker: EmbeddedKafka | undefined;
  let load: ProducerLoad | undefined;
  let readyAt = 0;
  let error: string | undefined;
  try {
    pool.spawn();
    // Sends before the producer is connected fail at once (ProducerNotInitialisedError): counted as failed.
    load = new ProducerLoad({
      producer,
      records: 100 * ((BROKER_LATE_MS + SEND_AFTER_READY_MS + 120_000) / 1000),
      ratePerSecond: 100,
      concurrency: 1,
    });
    await sleep(BROKER_LATE_MS);
    killBrokersOnSignals();
    const brokerStart = Date.now();
    broker = await startSingleNode({ port });
    await createTopic(topic, 3, [...brokers], 1);
    readyAt = Date.now();
    notes.push(
      `broker started ${((brokerStart - load.startedAt) / 1000).toFixed(1)} s after the clients, ready (with the topic) in ${((readyAt - brokerStart) / 1000).toFixed(1)} s`,
    );
    context.log(`${label}: broker ready on port ${port}`);
    const deadline = readyAt + 120_000;
    // Run at least SEND_AFTER_READY_MS, and until the first ack and the first handled record, or the limit.
    while (Date.now() < deadline) {
      const handledAny = pool.handled().length > 0;
      if (Date.now() - readyAt >= SEND_AFTER_READY_MS && load.ackTimes.length > 0 && handledAny) break;
      await sleep(250);
    }
    await load.stop();
    // Let the member catch up with what was acknowledged.
    for (let i = 0; i < 60 && ![...load.acked].every((id) => pool.handled().some((h) => h.id === id)); i++) await sleep(500);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    await load?.stop();
    await pool.stopAll();
    await producer.close();
  }
  const handled = pool.handled();
  const handledIds = new Set(handled.map((h) => h.id));
  const acked = load?.acked ?? new Set<number>();
  const firstAck = load?.ackTimes[0];
  const firstHandled = handled.length > 0 ? Math.min(...handled.map((h) => h.at)) : undefined;
  let readable = 0;
  let unreadable = 0;
  if (broker) {
    try {
      const contents = await readTopic(brokers, topic);
      readable = contents.ids.size;
      unreadable = [...acked].filter((id) => !contents.ids.has(id)).length;
    } catch (err) {
      error ??= `read-back failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    await broker.close();
  }
  const lost = [...acked].filter((id) => !handledIds.has(id)).length;
  const secs = (t: number | undefined) => (t === undefined || readyAt === 0 ? 'never' : `${((t - readyAt) / 1000).toFixed(1)} s`);
  notes.push(`first ack ${secs(firstAck)} and first handled record ${secs(firstHandled)} after the broker was ready`);
  if (load) notes.push(...countedLines(load.failureMessages, 2).map((l) => `send failed ${l}`));
  notes.push(...errorSummary(pool, 2));
  const goals: GoalCheck[] = [
    {
      goal: 'sends acknowledged once the broker is up, no restart',
      met: firstAck !== undefined && firstAck >= readyAt,
      measured: `first ack ${secs(firstAck)} after ready`,
    },
    {
      goal: 'records handled once the broker is up, no restart',
      met: firstHandled !== undefined,
      measured: `first handled ${secs(firstHandled)} after ready`,
    },
    { goal: '0 lost', met: lost === 0, measured: `${lost} of ${acked.size} acknowledged records never handled` },
  ];
  const result: RunResult = {
    scenario: 'C5',
    variant: '',
    run,
    durationMs: Date.now() - started,
    sent: load?.sent.length ?? 0,
    acked: acked.size,
    failed: load?.failed ?? 0,
    readable,
    ackedUnreadable: unreadable,
    handledUnique: handledIds.size,
    handledTotal: handled.length,
    lost,
    duplicates: handled.length - handledIds.size,
    faults: 1,
    ...(firstAck !== undefined && readyAt > 0
      ? {
          recoverMs: Math.max(firstAck, firstHandled ?? firstAck) - readyAt,
          recoverMeaning: 'from broker ready to both the first ack and the first handled record',
        }
      : {}),
    goals,
    notes,
    ...(error === undefined ? {} : { error }),
  };
  if (error === undefined && goals.every((g) => g.met)) dropWorkspace(dir);
  else notes.push(`files kept in ${dir}`);
  return result;
}

export const C5: Scenario = {
  id: 'C5',
  title: `late broker: producer and group created against a port with no broker; a broker started there after ${BROKER_LATE_MS / 1000} s`,
  goals: ['time from broker ready to first ack / first handled (reported)'],
  quick: false,
  fullRuns: 1,
  run: async (context) => {
    const results: RunResult[] = [];
    for (let run = 1; run <= context.runs; run++) results.push(await runOnce(run, context));
    return results;
  },
};
