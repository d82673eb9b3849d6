import { Partitioners, type EachBatchPayload, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { createKafkaClient } from '../client.js';
import { ConfigChecker } from '../config/validate.js';
import { FAILURE_HEADERS } from '../consumer/failure/failure-headers.js';
import { KafkaOperationError } from '../errors.js';
import { KafkaMessage } from '../message.js';
import { resolveAdminConfig, type AdminConfig } from './admin-config.js';
import { withoutIdempotentRetryWarning } from './replay-logger.js';

/** What {@link replayDeadLetters} moves, and where it records its progress. */
export interface ReplayDeadLettersOptions extends AdminConfig {
  /** The dead-letter topic to read, e.g. `orders.DLT`. */
  deadLetterTopic: string;
  /**
   * Only records this returns `true` for are moved; the others stay in the dead-letter topic and
   * are counted as `skipped` (the replay group moves past them all the same: a rerun does not
   * offer them again; use another `groupId` to replay them later).
   */
  filter?: (message: KafkaMessage) => boolean;
  /** Consumer group that records how far replays got. Default `<deadLetterTopic>.replay`. */
  groupId?: string;
}

/** What a {@link replayDeadLetters} call did. */
export interface ReplayResult {
  /** Records written back to their original topic. */
  readonly moved: number;
  /** Records the filter left in the dead-letter topic. */
  readonly skipped: number;
  /** Records without a `kafka_dlt-original-topic` header, left in the dead-letter topic. */
  readonly unroutable: number;
  /** Records moved, per original topic. */
  readonly byTopic: Readonly<Record<string, number>>;
}

/** Headers a replayed record drops: it starts over as a first delivery (attempts, due time, error). */
const FAILURE_HEADER_NAMES = new Set<string>(Object.values(FAILURE_HEADERS));

/**
 * Moves records from a dead-letter topic back to the topic they were first read from (their
 * `kafka_dlt-original-topic` header), with their key, value and other headers; the failure
 * headers are dropped, so each comes back as a first delivery. Reads up to the dead-letter
 * topic's end offsets at the time of the call (so it ends even while records keep arriving) and
 * commits its position in a consumer group of its own after each batch was acknowledged, so a
 * rerun does not move a record twice; one killed half-way moves at most that batch again. Records
 * are never deleted from the dead-letter topic (Kafka cannot); the replay group's position is
 * what marks them done.
 *
 * @throws KafkaConfigError naming every bad field, before any network call
 * @throws KafkaOperationError when the topic cannot be read or a record cannot be written (what
 *   was committed before stays done; a rerun goes on from there)
 */
export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplayResult> {
  const { deadLetterTopic, filter, groupId: givenGroupId, ...adminConfig } = options;
  const checker = new ConfigChecker();
  checker.nonEmptyString(deadLetterTopic, 'deadLetterTopic');
  if (givenGroupId !== undefined) checker.nonEmptyString(givenGroupId, 'groupId');
  checker.require(filter === undefined || typeof filter === 'function', 'filter', 'must be a function');
  checker.throwIfAny('dead-letter replay');
  const resolved = resolveAdminConfig(adminConfig);
  const groupId = givenGroupId ?? `${deadLetterTopic}.replay`;
  const logData = { deadLetterTopic, groupId };
  const client = createKafkaClient(resolved, withoutIdempotentRetryWarning(resolved.logger), {
    retry: { retries: resolved.retryMax, initialRetryTime: resolved.retryBackoff },
  });
  try {
    const remaining = await partitionsToRead(client, deadLetterTopic, groupId);
    const result = { moved: 0, skipped: 0, unroutable: 0, byTopic: {} as Record<string, number> };
    if (remaining.size > 0) await moveRecords(client, { deadLetterTopic, groupId, filter, remaining, result });
    resolved.logger.info('dead-letter replay finished', { ...logData, ...result });
    return result;
  } catch (error) {
    throw error instanceof KafkaOperationError ? error : new KafkaOperationError('dead-letter replay failed', logData, error);
  }
}

/** Partition -> end offset (exclusive) for every partition with records the replay group has not passed. */
async function partitionsToRead(client: Kafka, topic: string, groupId: string): Promise<Map<number, bigint>> {
  const admin = client.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const position = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    const remaining = new Map<number, bigint>();
    for (const { partition, offset, low } of ends) {
      const end = BigInt(offset);
      const from = position.get(partition) ?? -1n;
      // No committed position: the replay starts at the oldest record still kept.
      if ((from < 0n ? BigInt(low) : from) < end) remaining.set(partition, end);
    }
    return remaining;
  } finally {
    await admin.disconnect();
  }
}

interface MoveRun {
  readonly deadLetterTopic: string;
  readonly groupId: string;
  readonly filter: ((message: KafkaMessage) => boolean) | undefined;
  /** Partitions still to finish, with their end offsets; emptied as they finish. */
  readonly remaining: Map<number, bigint>;
  readonly result: { moved: number; skipped: number; unroutable: number; byTopic: Record<string, number> };
}

/**
 * The replay's producer: idempotent, one request in flight. The partitioner is named so kafkajs
 * does not warn about its v2 default on every call (it is that default: a record goes where its
 * key sends it, keyless ones spread).
 */
export function createReplayProducer(client: Kafka): Producer {
  return client.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}

async function moveRecords(client: Kafka, run: MoveRun): Promise<void> {
  const producer = createReplayProducer(client);
  const consumer = client.consumer({ groupId: run.groupId });
  let finish!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error) => (error === undefined ? resolve() : reject(error instanceof Error ? error : new Error('replay consumer crashed')));
  });
  consumer.on(consumer.events.CRASH, (event) => finish(event.payload.error));
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [run.deadLetterTopic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        try {
          await moveBatch(payload, producer, consumer, run);
          if (run.remaining.size === 0) finish();
        } catch (error) {
          finish(error);
          throw error;
        }
      },
    });
    await finished;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

async function moveBatch(
  payload: EachBatchPayload,
  producer: ReturnType<Kafka['producer']>,
  consumer: ReturnType<Kafka['consumer']>,
  run: MoveRun,
): Promise<void> {
  const { batch } = payload;
  const end = run.remaining.get(batch.partition);
  if (end === undefined) return;
  const byTopic = new Map<string, Array<{ key: Buffer | null; value: Buffer | null; headers: IHeaders }>>();
  let last: string | undefined;
  let reachedEnd = false;
  for (const record of batch.messages) {
    if (BigInt(record.offset) >= end) {
      reachedEnd = true;
      break;
    }
    last = record.offset;
    const message = new KafkaMessage({ ...record, topic: batch.topic, partition: batch.partition });
    const original = message.headers[FAILURE_HEADERS.originalTopic]?.toString();
    if (!original) {
      run.result.unroutable++;
      continue;
    }
    if (run.filter && !run.filter(message)) {
      run.result.skipped++;
      continue;
    }
    const headers: IHeaders = {};
    for (const [name, value] of Object.entries(record.headers ?? {})) if (!FAILURE_HEADER_NAMES.has(name)) headers[name] = value;
    const list = byTopic.get(original) ?? [];
    list.push({ key: record.key, value: record.value, headers });
    byTopic.set(original, list);
  }
  if (last === undefined) {
    if (reachedEnd) run.remaining.delete(batch.partition);
    return;
  }
  if (byTopic.size > 0) {
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    for (const [topic, messages] of byTopic) {
      run.result.moved += messages.length;
      run.result.byTopic[topic] = (run.result.byTopic[topic] ?? 0) + messages.length;
    }
  }
  const next = (BigInt(last) + 1n).toString();
  // Only after the records were acknowledged: a replay killed before this moves them again, never loses them.
  await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
  payload.resolveOffset(last);
  if (reachedEnd || BigInt(next) >= end) run.remaining.delete(batch.partition);
}
