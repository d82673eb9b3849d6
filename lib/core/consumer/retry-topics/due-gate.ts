import type { KafkaLogger } from '../../logger.js';
import type { KafkaMessage } from '../../message.js';
import { FAILURE_HEADERS, decodeInteger } from '../failure/failure-headers.js';
import type { PartitionBatch } from '../transport.js';
import type { RetryTopicMap } from './retry-topic-names.js';

/** Holder name of the pauses a {@link RetryDueGate} takes (other pausers never lift them). */
export const RETRY_DUE_PAUSE_HOLDER = 'retry-topic-due';

/** Some partitions of a topic (the transport's pause shape). */
export interface PausedPartitions {
  readonly topic: string;
  readonly partitions?: readonly number[];
}

/**
 * What the gate needs of the transport: per-partition pause and resume that keep the member in
 * the group. A paused partition's next fetch after the resume starts at its first unresolved
 * offset, so the record that was not due comes again.
 */
export interface PartitionPauser {
  pause(partitions: readonly PausedPartitions[], holder?: string): void;
  resume(partitions: readonly PausedPartitions[], holder?: string): void;
}

/** Options of a {@link RetryDueGate}. */
export interface RetryDueGateOptions {
  /** The retry topics at first (see {@link RetryDueGate.useRetryTopics}). */
  readonly retryTopics: RetryTopicMap;
  readonly pauser: PartitionPauser;
  readonly logger: KafkaLogger;
  /** The clock (tests). */
  readonly now?: () => number;
}

/**
 * Lets a retry-topic record reach its handler only once it is due (its
 * `retry_topic-backoff-timestamp`), without holding a worker or other partitions: a batch is cut
 * before its first record that is not due; when that is its first record, the partition is paused
 * and a timer resumes it when the record falls due. The cut-off records are not resolved, so the
 * transport fetches them again (after the resume). Records of other topics pass untouched.
 *
 * Records behind a not-yet-due one wait for it even if they are due (the partition is read in
 * order); on a retry topic with one delay they fall due in about the order they were written.
 * A wait never exceeds the topic's delay, so a due time far in the future (a wrong clock, a
 * hand-written header) cannot stall the partition longer than that.
 */
export class RetryDueGate {
  private readonly timers = new Map<string, { readonly at: number; readonly timer: NodeJS.Timeout }>();
  private readonly now: () => number;
  private disposed = false;
  private retryTopics: RetryTopicMap;

  constructor(private readonly options: RetryDueGateOptions) {
    this.now = options.now ?? Date.now;
    this.retryTopics = options.retryTopics;
  }

  /** Replaces the retry topics (the handler registered with its own failure policy). */
  useRetryTopics(retryTopics: RetryTopicMap): void {
    this.retryTopics = retryTopics;
  }

  /** Number of partitions waiting for a record to fall due. */
  get waiting(): number {
    return this.timers.size;
  }

  /**
   * The part of `batch` that may be handled now: all of it, or its records before the first one
   * not yet due. When that is none, the partition is paused until the first record is due.
   */
  admit(batch: PartitionBatch): PartitionBatch {
    const info = this.retryTopics.get(batch.topic);
    if (!info) return batch;
    const now = this.now();
    const index = batch.messages.findIndex((m) => dueAt(m, info.delayMs) > now);
    if (index < 0) return batch;
    if (index === 0) {
      const wait = Math.min(dueAt(batch.messages[0]!, info.delayMs) - now, info.delayMs);
      this.holdUntil(batch.topic, batch.partition, now + wait);
      return { ...batch, messages: [] };
    }
    // The due records go first, with the partition not paused: a pause stops a batch in hand at
    // its next record. The transport offers the rest again at once, and then it is paused.
    return {
      ...batch,
      messages: batch.messages.slice(0, index),
      resolveOffset: (offset) => batch.resolveOffset(offset),
      heartbeat: () => batch.heartbeat(),
    };
  }

  /** Clears the timers and lifts every pause this gate holds (the group closes). */
  dispose(): void {
    this.disposed = true;
    for (const key of [...this.timers.keys()]) this.release(key);
  }

  private holdUntil(topic: string, partition: number, at: number): void {
    if (this.disposed) return;
    const key = partitionKey(topic, partition);
    const current = this.timers.get(key);
    if (current && current.at <= at) return;
    if (current) clearTimeout(current.timer);
    try {
      this.options.pauser.pause([{ topic, partitions: [partition] }], RETRY_DUE_PAUSE_HOLDER);
    } catch (error) {
      // Not paused: the transport offers the records again soon and they are cut off again.
      this.options.logger.warn('could not pause a retry-topic partition until its next record is due', {
        topic,
        partition,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    const timer = setTimeout(() => this.release(key), Math.max(0, at - this.now()));
    // Resuming is only needed while something consumes; the consumer keeps the process alive then.
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  private release(key: string): void {
    const entry = this.timers.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.timers.delete(key);
    const separator = key.lastIndexOf('|');
    const topic = key.slice(0, separator);
    const partition = Number(key.slice(separator + 1));
    try {
      this.options.pauser.resume([{ topic, partitions: [partition] }], RETRY_DUE_PAUSE_HOLDER);
    } catch (error) {
      this.options.logger.warn('could not resume a retry-topic partition', {
        topic,
        partition,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/**
 * When a retry-topic record is due, ms since the epoch: its `retry_topic-backoff-timestamp`
 * header, else (a record written by hand or by another tool) its timestamp plus the topic's delay.
 */
export function dueAt(message: KafkaMessage, delayMs: number): number {
  const header = decodeInteger(message.headers[FAILURE_HEADERS.backoffTimestamp]);
  if (header !== undefined) return Number(header);
  const timestamp = message.timestamp === '' ? Number.NaN : Number(message.timestamp);
  return Number.isFinite(timestamp) ? timestamp + delayMs : 0;
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}|${partition}`;
}
