import { setTimeout as sleep } from 'node:timers/promises';
import { CompressionTypes, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import type { ProducerAcks, ProducerCompression } from '../config/producer.js';
import { InvalidMessageError, PartitionNotAcknowledgedError, ProducerSendError, type KafkaError } from '../errors.js';
import { asAuthorizationError } from '../security/authorization.js';
import type { ItemFailures } from './send-batcher.js';
import { sendFailureMayPass } from './send-failure-may-pass.js';
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
  /**
   * How long, from its first request, a batch whose requests fail in a way that may pass (see
   * {@link sendFailureMayPass}) is sent again before its records fail, ms. 0: never.
   */
  readonly deliveryTimeoutMs: number;
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

/**
 * Records about to be sent again: either their partition went unacknowledged, or their whole
 * request failed in a way that may pass (then `cause` says how).
 */
export interface ResendEvent {
  readonly topic: string;
  readonly partitions: readonly number[];
  readonly records: number;
  /** 1 for the first resend of these records (counted separately for each reason). */
  readonly attempt: number;
  readonly delayMs: number;
  /** The failed request's error message; absent when only partitions went unacknowledged. */
  readonly cause?: string;
}

/** Longest pause between two resends of unacknowledged partitions, ms (kafkajs' `maxRetryTime` default). */
const MAX_RESEND_PAUSE_MS = 30_000;

/** kafkajs' codec id of each compression setting. */
const KAFKAJS_COMPRESSION: Readonly<Record<ProducerCompression, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};
/** Longest pause before sending a failed request's batch again, ms (the Java client's `retry.backoff.max.ms`). */
const MAX_RETRY_PAUSE_MS = 1_000;

/**
 * Sends one coalesced batch of a topic through kafkajs and turns the outcome into per-record
 * results. A request that fails in a way a fail-over or restart explains (a broker down, no leader,
 * a time-out) is sent again, in order, until `deliveryTimeoutMs` after the first; a request that
 * still fails, or fails otherwise, is emitted once (`ProducerSendError`) and rejects the whole
 * batch; a refusal by the broker's ACLs is a `KafkaAuthorizationError` instead.
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
  const deadline = Date.now() + target.settings.deliveryTimeoutMs;
  const acked = await send(target, messages, deadline);
  if (target.settings.acks === 0) return undefined;
  const missing = unacknowledged(target.settings.topic, messages, acked);
  return missing === undefined ? undefined : confirmByResending(target, messages, missing, deadline);
}

/**
 * One request for `messages`, sent again after failures that may pass until `deadline`; rejects
 * with the last failure, emitted once.
 */
async function send(target: TopicBatchTarget, messages: Message[], deadline: number): Promise<RecordMetadata[]> {
  const { sink, settings } = target;
  for (let attempt = 1; ; attempt++) {
    try {
      return await sink.sendBatch({
        topicMessages: [{ topic: settings.topic, messages }],
        acks: settings.acks === 'all' ? -1 : settings.acks,
        timeout: settings.requestTimeout,
        compression: KAFKAJS_COMPRESSION[settings.compression],
      });
    } catch (cause) {
      const delayMs = pauseBefore(attempt, settings, MAX_RETRY_PAUSE_MS);
      if (!sendFailureMayPass(cause) || target.stopped?.() || Date.now() + delayMs > deadline) throw failed(target, cause);
      target.onResend?.({
        topic: settings.topic,
        partitions: partitionsOf(messages),
        records: messages.length,
        attempt,
        delayMs,
        cause: cause instanceof Error ? cause.message : String(cause),
      });
      await sleep(delayMs);
      if (target.stopped?.()) throw failed(target, cause);
    }
  }
}

/** The typed error of a request that failed for good, emitted once. */
function failed({ settings, emit }: TopicBatchTarget, cause: unknown): KafkaError {
  const error =
    asAuthorizationError(cause, `failed to send to topic ${settings.topic}`, { topic: settings.topic }) ??
    new ProducerSendError(settings.topic, cause);
  emit(error);
  return error;
}

/**
 * The slow path: `missing` (indices into `messages`) had no acknowledgement. Fails those on a
 * partition that does not exist, resends the rest until acknowledged or out of attempts, and
 * returns every record that finally failed.
 */
async function confirmByResending(
  target: TopicBatchTarget,
  messages: Message[],
  missing: number[],
  deadline: number,
): Promise<ItemFailures | undefined> {
  const { settings } = target;
  const failures = new Map<number, unknown>();
  let pending = failUnknownPartitions(target, messages, missing, failures);
  let resends = 0;
  while (pending.length > 0 && resends < settings.retryMax && !target.stopped?.()) {
    resends++;
    const delayMs = pauseBefore(resends, settings, MAX_RESEND_PAUSE_MS);
    const batch = pending.map((index) => messages[index]!);
    target.onResend?.({ topic: settings.topic, partitions: partitionsOf(batch), records: batch.length, attempt: resends, delayMs });
    await sleep(delayMs);
    let acked: RecordMetadata[];
    try {
      acked = await send(target, batch, deadline);
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

/** The pause before resend number `attempt` (1 first): `retryBackoff`, doubled for each further one, at most `capMs`. */
function pauseBefore(attempt: number, settings: TopicBatchSettings, capMs: number): number {
  return Math.min(settings.retryBackoff * 2 ** (attempt - 1), capMs);
}

/** The partitions `messages` were placed on (none yet when kafkajs failed before placing them). */
function partitionsOf(messages: readonly Message[]): number[] {
  const placed = messages.flatMap((m) => (m.partition === undefined ? [] : [m.partition]));
  return [...new Set(placed)].sort((a, b) => a - b);
}
