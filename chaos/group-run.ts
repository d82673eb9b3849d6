/**
 * The flow every consumer scenario shares (C1, C2, C4, C7): a fresh topic, member processes
 * consuming it, this module's producer sending paced keyed records, a fault loop running while
 * the records flow, a drain, a graceful stop, the read-back, and the counts.
 */
import { createTopic } from '../test/support/env.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { KafkaProducer, type ProducerAcks } from '../lib/index.js';
import type { EmbeddedKafka } from '../scripts/kafka/embedded-kafka.js';
import { readTopic } from './cluster.js';
import { countedLines, describeMissing, longestGap, ProducerLoad } from './load.js';
import type { HandledLine } from './member-protocol.js';
import { MemberPool } from './members.js';
import type { GoalCheck, RunResult } from './types.js';
import { dropWorkspace, fileLogger, newWorkspace } from './workspace.js';

/** What the fault loop gets. */
export interface FaultContext {
  readonly cluster: EmbeddedKafka;
  readonly pool: MemberPool;
  readonly load: ProducerLoad;
  readonly topic: string;
  readonly groupName: string;
  /** True once the load has sent its last record. */
  readonly loadDone: () => boolean;
  /** Records a fault (and when it began: default now) with a line for the notes. */
  readonly note: (line: string, at?: number) => void;
  readonly log: (line: string) => void;
}

/** A consumer scenario run. */
export interface GroupRunSpec {
  readonly scenario: string;
  readonly variant: string;
  readonly run: number;
  readonly cluster: EmbeddedKafka;
  readonly partitions: number;
  readonly records: number;
  readonly ratePerSecond: number;
  readonly acks: ProducerAcks;
  readonly members: number;
  readonly numWorkers: number;
  readonly handlerMs: number;
  readonly messageConsumeTimeout?: number;
  /** Injects the faults; resolves with how many it injected. Runs alongside the load. */
  readonly fault: (context: FaultContext) => Promise<number>;
  /** Give up draining when nothing new is handled for this long. */
  readonly drainStallMs: number;
  /** The run's time limit (epoch ms). */
  readonly deadline: number;
  /** Goals from the counts. */
  readonly goals: (counts: GroupCounts) => GoalCheck[];
  readonly recover?: (counts: GroupCounts) => { ms: number; meaning: string } | undefined;
  readonly log: (line: string) => void;
}

/** The counts of a finished consumer run. */
export interface GroupCounts {
  readonly sent: number;
  readonly acked: ReadonlySet<number>;
  readonly failed: number;
  readonly handled: readonly HandledLine[];
  readonly handledIds: ReadonlyMap<number, number>;
  readonly lost: number;
  readonly duplicates: number;
  readonly ackedUnreadable: number;
  /** Acknowledged ids that are not in the topic (lost by the producer side). */
  readonly unreadable: ReadonlySet<number>;
  readonly faultTimes: readonly number[];
  readonly loadStartedAt: number;
}

let topicCounter = 0;

/** Runs one consumer scenario run; failures of the harness become `error` on the result. */
export async function runGroupScenario(spec: GroupRunSpec): Promise<RunResult> {
  const started = Date.now();
  const label = `${spec.scenario}${spec.variant ? `-${spec.variant.replace(/\W+/g, '')}` : ''}-${spec.run}`;
  const dir = newWorkspace(label);
  const topic = `chaos-${label}-${process.pid}-${++topicCounter}`.toLowerCase();
  const groupName = `${topic}-group`;
  const notes: string[] = [];
  const brokers = spec.cluster.brokers;
  const pool = new MemberPool(dir, {
    brokers,
    topic,
    groupName,
    numWorkers: spec.numWorkers,
    handlerMs: spec.handlerMs,
    avro: false,
    throwForIds: [],
    subscribeErrors: true,
    ...(spec.messageConsumeTimeout === undefined ? {} : { messageConsumeTimeout: spec.messageConsumeTimeout }),
  });
  const producerLog = fileLogger(join(dir, 'producer.jsonl'));
  const producer = new KafkaProducer({ brokers, topic, clientId: `chaos-${label}`, acks: spec.acks, logger: producerLog });
  const faultTimes: number[] = [];
  let load: ProducerLoad | undefined;
  let error: string | undefined;
  try {
    await createTopic(topic, spec.partitions, [...brokers], 3);
    const first = Array.from({ length: spec.members }, () => pool.spawn());
    await Promise.all(first.map((m) => m.waitForState('Consuming', 90_000)));
    await producer.waitUntilInitialised();
    spec.log(`${label}: ${spec.members} members consuming; sending ${spec.records} records at ${spec.ratePerSecond}/s`);
    const running = new ProducerLoad({ producer, records: spec.records, ratePerSecond: spec.ratePerSecond, concurrency: 16 });
    load = running;
    let loadDone = false;
    void running.done.then(() => (loadDone = true));
    const faults = await spec.fault({
      cluster: spec.cluster,
      pool,
      load: running,
      topic,
      groupName,
      loadDone: () => loadDone || Date.now() > spec.deadline,
      note: (line, at = Date.now()) => {
        faultTimes.push(at);
        notes.push(line);
      },
      log: spec.log,
    });
    await running.done;
    notes.unshift(`${faults} faults`);
    // Drain: until every acknowledged record was handled, or nothing new for drainStallMs.
    let lastCount = -1;
    let lastProgress = Date.now();
    for (;;) {
      const handledIds = new Set(pool.handled().map((h) => h.id));
      if ([...running.acked].every((id) => handledIds.has(id))) break;
      if (handledIds.size !== lastCount) {
        lastCount = handledIds.size;
        lastProgress = Date.now();
      }
      if (Date.now() - lastProgress > spec.drainStallMs) {
        notes.push(`drain gave up: nothing new handled for ${spec.drainStallMs / 1000} s`);
        break;
      }
      if (Date.now() > spec.deadline) {
        notes.push('drain gave up: run time limit');
        break;
      }
      await sleep(500);
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    await load?.stop();
    await pool.stopAll();
    await producer.close();
  }
  const handled = pool.handled();
  const handledIds = new Map<number, number>();
  for (const h of handled) handledIds.set(h.id, (handledIds.get(h.id) ?? 0) + 1);
  let readable = 0;
  let unreadable = new Set<number>();
  const acked = load?.acked ?? new Set<number>();
  try {
    const contents = await readTopic(brokers, topic);
    readable = contents.ids.size;
    unreadable = new Set([...acked].filter((id) => !contents.ids.has(id)));
  } catch (err) {
    error ??= `read-back failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  const lostIds = [...acked].filter((id) => !handledIds.has(id));
  const duplicates = handled.length - handledIds.size;
  const counts: GroupCounts = {
    sent: load?.sent.length ?? 0,
    acked,
    failed: load?.failed ?? 0,
    handled,
    handledIds,
    lost: lostIds.length,
    duplicates,
    ackedUnreadable: unreadable.size,
    unreadable,
    faultTimes,
    loadStartedAt: load?.startedAt ?? started,
  };
  if (unreadable.size > 0 && load) notes.push(describeMissing(topic, [...unreadable], spec.partitions, load.sentAt, faultTimes[0]));
  if (lostIds.length > 0) {
    const notInTopic = lostIds.filter((id) => unreadable.has(id)).length;
    notes.push(
      `lost ids (first 10): ${lostIds.slice(0, 10).join(', ')}; ${notInTopic} of the ${lostIds.length} are not in the topic (acknowledged by the producer, never written)`,
    );
  }
  if (duplicates > 0) notes.push(...describeDuplicates(handled, handledIds));
  notes.push(...errorSummary(pool));
  if (load) notes.push(...countedLines(load.failureMessages, 3).map((l) => `send failed ${l}`));
  const handledTimes = handled.map((h) => h.at);
  const lastHandled = handledTimes.length > 0 ? Math.max(...handledTimes) : started;
  const goals = spec.goals(counts);
  const recover = spec.recover?.(counts);
  const result: RunResult = {
    scenario: spec.scenario,
    variant: spec.variant,
    run: spec.run,
    durationMs: Date.now() - started,
    sent: counts.sent,
    acked: acked.size,
    failed: counts.failed,
    readable,
    ackedUnreadable: unreadable.size,
    handledUnique: handledIds.size,
    handledTotal: handled.length,
    lost: counts.lost,
    duplicates,
    faults: faultTimes.length,
    ...(load ? { ackStallMs: longestGap(load.ackTimes, load.startedAt, load.lastAckAt).ms } : {}),
    handleStallMs: longestGap(handledTimes, counts.loadStartedAt, lastHandled).ms,
    ...(recover ? { recoverMs: recover.ms, recoverMeaning: recover.meaning } : {}),
    goals,
    notes,
    ...(error === undefined ? {} : { error }),
  };
  if (error === undefined && goals.every((g) => g.met)) dropWorkspace(dir);
  else notes.push(`files kept in ${dir}`);
  return result;
}

/** A few duplicated records with where they were handled, for the report. */
function describeDuplicates(handled: readonly HandledLine[], counts: ReadonlyMap<number, number>): string[] {
  const dupIds = [...counts.entries()].filter(([, n]) => n > 1).map(([id]) => id);
  const byPartition = new Map<number, number>();
  for (const h of handled) if ((counts.get(h.id) ?? 0) > 1) byPartition.set(h.partition, (byPartition.get(h.partition) ?? 0) + 1);
  const sample = dupIds.slice(0, 3).map((id) => {
    const lines = handled.filter((h) => h.id === id);
    return `id ${id} p${lines[0]?.partition}@${lines[0]?.offset} by ${lines.map((l) => `${l.member}@${new Date(l.at).toISOString().slice(11, 23)}`).join(' & ')}`;
  });
  return [
    `${dupIds.length} ids handled more than once, by partition: ${[...byPartition.entries()].map(([p, n]) => `p${p}:${n}`).join(' ')}`,
    ...sample,
  ];
}

/** Error-level log entries of every member, grouped by their text with numbers stripped. */
export function errorSummary(pool: MemberPool, limit = 4): string[] {
  const counts = new Map<string, number>();
  for (const entry of pool.logs()) {
    if (entry.level !== 'error') continue;
    const text = entry.message.replace(/\d+/g, 'N').slice(0, 150);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return countedLines(counts, limit).map((l) => `member error log: ${l}`);
}

/**
 * Calls `step` every `everyMs` (the first after `everyMs`) until `until()`, and never less than
 * `restMs` after the previous step ended (a step that waits for the group to settle stretches the
 * period on a loaded machine instead of piling faults up). Returns the number of steps.
 */
export async function every(everyMs: number, until: () => boolean, step: (n: number) => Promise<void>, restMs = 1_000): Promise<number> {
  let next = Date.now() + everyMs;
  let n = 0;
  for (;;) {
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    if (until()) return n;
    const began = Date.now();
    await step(++n);
    next = Math.max(began + everyMs, Date.now() + restMs);
  }
}
