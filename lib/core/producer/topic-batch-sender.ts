import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import type { ProducerAcks, ProducerCompression } from '../config/producer.js';
import { InvalidMessageError, PartitionNotAcknowledgedError, ProducerSendError, type KafkaError } from '../errors.js';
import { asAuthorizationError } from '../security/authorization.js';
import type { ItemFailures } from './send-batcher.js';
import { unacknowledged } from './unacknowledged.js';

/**
 * The part of a kafkajs producer that `KafkaProducer` drives: connect, send a batch, disconnect.
 * The test kit passes an in-memory one so its producer runs this same code.
 *
 * A sink should write the partition it chose onto each message sent without one (the kafkajs
 * sink does, through its partitioner): the producer then checks every record's partition against
 * the acknowledgements and resends records whose partition was left out. A record that comes back
 * without a partition cannot be checked and is taken as acknowledged when its batch succeeds.
 */
export interface ProducerSink extends Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'> {
  /**
   * How many partitions `topic` has, as of the last batch; undefined when not known. Tells a
   * record for a partition that does not exist (failed at once) from one whose ack went missing
   * (resent). Optional: without it, such records are resent before they fail.
   */
  partitionCount?(topic: string): number | undefined;
}

/** Delivery settings of every batch. */
export interface TopicBatchSettings {
  readonly topic: string;
  readonly acks: ProducerAcks;
  readonly requestTimeout: number;
  readonly compression: ProducerCompression;
  /** Most resends of records whose partition no answer acknowledged. */
  readonly retryMax: number;
  /** Pause before the first such resend, ms; doubled for each further one. */
  readonly retryBackoff: number;
}

/** Where a batch goes and where its outcome is reported. */
export interface TopicBatchTarget {
  readonly sink: ProducerSink;
  readonly settings: TopicBatchSettings;
  readonly emit: (error: KafkaError) => void;
  /** Records whose partition went unacknowledged are about to be sent again. */
  readonly onResend?: (event: ResendEvent) => void;
  /** True once resending is pointless (the producer is disconnecting). */
  readonly stopped?: () => boolean;
}

/** One resend of records whose partition no answer acknowledged. */
export interface ResendEvent {
  readonly topic: string;
  readonly partitions: readonly number[];
  readonly records: number;
  /** 1 for the first resend of these records. */
  readonly attempt: number;
  readonly delayMs: number;
}

/** Longest pause between two resends, ms (kafkajs' own `maxRetryTime` default). */
const MAX_RESEND_PAUSE_MS = 30_000;

/**
 * Sends one coalesced batch of a topic through kafkajs and turns the outcome into per-record
 * results. A failed request is emitted once (`ProducerSendError`) and rejects the whole batch;
 * a refusal by the broker's ACLs is a `KafkaAuthorizationError` instead.
 *
 * A successful request is not the end: each record must be covered by an acknowledgement of its
 * partition. kafkajs silently skips records for a partition missing from its metadata
 * (`InvalidMessageError` here, at once), and its retry can skip a partition whose leader moved to
 * a broker that already answered (kafkajs#1303). Records of such a partition are sent again, in
 * their order and to the partition they were placed on, at most `retryMax` times with the
 * `retryBackoff` pause doubling; only an acknowledgement resolves them, and those never
 * acknowledged fail with {@link PartitionNotAcknowledgedError}. With acks 0 there is nothing to check.
 */
export async function sendTopicBatch(target: TopicBatchTarget, messages: Message[]): Promise<ItemFailures | undefined> {
  const acked = await sendOnce(target, messages);
  if (target.settings.acks === 0) return undefined;
  const missing = unacknowledged(target.settings.topic, messages, acked);
  return missing === undefined ? undefined : confirmByResending(target, messages, missing);
}

async function sendOnce({ sink, settings, emit }: TopicBatchTarget, messages: Message[]): Promise<RecordMetadata[]> {
  try {
    return await sink.sendBatch({
      topicMessages: [{ topic: settings.topic, messages }],
      acks: settings.acks === 'all' ? -1 : settings.acks,
      timeout: settings.requestTimeout,
      compression: settings.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    });
  } catch (cause) {
    const error =
      asAuthorizationError(cause, `failed to send to topic ${settings.topic}`, { topic: settings.topic }) ??
      new ProducerSendError(settings.topic, cause);
    emit(error);
    throw error;
  }
}

/**
 * The slow path: `missing` (indices into `messages`) had no acknowledgement. Fails those on a
 * partition that does not exist, resends the rest until acknowledged or out of attempts, and
 * returns every record that finally failed.
 */
async function confirmByResending(target: TopicBatchTarget, messages: Message[], missing: number[]): Promise<ItemFailures | undefined> {
  const { settings } = target;
  const failures = new Map<number, unknown>();
  let pending = failUnknownPartitions(target, messages, missing, failures);
  let resends = 0;
  while (pending.length > 0 && resends < settings.retryMax && !target.stopped?.()) {
    resends++;
    const delayMs = Math.min(settings.retryBackoff * 2 ** (resends - 1), MAX_RESEND_PAUSE_MS);
    const batch = pending.map((index) => messages[index]!);
    target.onResend?.({ topic: settings.topic, partitions: partitionsOf(batch), records: batch.length, attempt: resends, delayMs });
    await sleep(delayMs);
    let acked: RecordMetadata[];
    try {
      acked = await sendOnce(target, batch);
    } catch (error) {
      // Already emitted; the records acknowledged before this resend stay acknowledged.
      for (const index of pending) failures.set(index, error);
      return failures;
    }
    const stillMissing = unacknowledged(settings.topic, batch, acked);
    pending =
      stillMissing === undefined
        ? []
        : failUnknownPartitions(
            target,
            messages,
            stillMissing.map((i) => pending[i]!),
            failures,
          );
  }
  if (pending.length > 0) failUnacknowledged(target, messages, pending, resends, failures);
  return failures.size > 0 ? failures : undefined;
}

/** Fails the records of `indices` whose partition the topic does not have; returns the others. */
function failUnknownPartitions(
  { sink, settings, emit }: TopicBatchTarget,
  messages: Message[],
  indices: number[],
  failures: Map<number, unknown>,
): number[] {
  const count = sink.partitionCount?.(settings.topic);
  if (count === undefined) return indices;
  const errorByPartition = new Map<number, InvalidMessageError>();
  return indices.filter((index) => {
    const partition = messages[index]!.partition!;
    if (partition < count) return true;
    let error = errorByPartition.get(partition);
    if (!error) {
      error = new InvalidMessageError(settings.topic, `partition ${partition} does not exist`);
      errorByPartition.set(partition, error);
      emit(error);
    }
    failures.set(index, error);
    return false;
  });
}

/** Fails the records of `indices` with one {@link PartitionNotAcknowledgedError} per partition. */
function failUnacknowledged(
  { settings, emit }: TopicBatchTarget,
  messages: Message[],
  indices: number[],
  resends: number,
  failures: Map<number, unknown>,
): void {
  const byPartition = new Map<number, number[]>();
  for (const index of indices) {
    const partition = messages[index]!.partition!;
    const list = byPartition.get(partition);
    if (list) list.push(index);
    else byPartition.set(partition, [index]);
  }
  for (const [partition, list] of byPartition) {
    const error = new PartitionNotAcknowledgedError(settings.topic, partition, list.length, resends);
    emit(error);
    for (const index of list) failures.set(index, error);
  }
}

function partitionsOf(messages: readonly Message[]): number[] {
  return [...new Set(messages.map((m) => m.partition!))].sort((a, b) => a - b);
}
