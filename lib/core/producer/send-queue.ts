import type { Message } from 'kafkajs';
import type { ResolvedProducerConfig } from '../config/producer.js';
import {
  describeCause,
  InvalidMessageError,
  KafkaError,
  MessageTooLargeError,
  ProducerClosedError,
  ProducerNotInitialisedError,
  ProducerQueueFullError,
} from '../errors.js';
import { QueueBound } from './queue-bound.js';
import type { OutgoingRecord } from './outgoing-record.js';
import { buildMessage, type ProducerHeaders, type SendOptions } from './record.js';
import { estimateRecordSize } from './record-size.js';
import { SendBatcher, type ItemFailures } from './send-batcher.js';
import type { ProducerTelemetry } from '../telemetry/producer-telemetry.js';

/** What a send does when its record does not fit in `maxQueuedBytes`: fail at once, or wait for acks. */
export type WhenQueueFull = 'reject' | 'wait';

/** Whether the producer takes sends now: only once connected, and never after close began. */
export type SendReadiness = 'ready' | 'not-initialised' | 'closed';

/** The config fields the send path reads. */
export type SendQueueConfig = Pick<
  ResolvedProducerConfig,
  'lingerMs' | 'maxBatchBytes' | 'maxBatchRecords' | 'maxInFlightBatches' | 'maxQueuedBytes' | 'maxMessageBytes'
>;

/** Options of a {@link SendQueue}. */
export interface SendQueueOptions {
  readonly topic: string;
  readonly config: SendQueueConfig;
  /** Headers added to every record. */
  readonly headers: ProducerHeaders;
  /** Asked on every send, before any record is queued. */
  readonly readiness: () => SendReadiness;
  /** Delivers one coalesced batch (see {@link SendBatcher}'s `flush`). */
  readonly flush: (messages: Message[]) => Promise<ItemFailures | undefined>;
  /** Every refused send is reported here as well as to its caller. */
  readonly emit: (error: KafkaError) => void;
  /** Spans and metrics of each send; absent when telemetry is off or unavailable. */
  readonly telemetry?: ProducerTelemetry;
}

const noop = (): void => {};

/**
 * The producer's send path: turns one `send*()` call into a kafkajs record, refuses it with a
 * typed error when it is malformed, too large, early, late or beyond `maxQueuedBytes`, and
 * otherwise queues it in the batcher. Also owns what close needs from the queue: drain and abort.
 */
export class SendQueue {
  private readonly batcher: SendBatcher<Message>;
  private readonly bound: QueueBound;

  constructor(private readonly options: SendQueueOptions) {
    const { config } = options;
    this.batcher = new SendBatcher<Message>({
      lingerMs: config.lingerMs,
      maxBatchBytes: config.maxBatchBytes,
      maxBatchItems: config.maxBatchRecords,
      maxInFlight: config.maxInFlightBatches,
      flush: options.flush,
      onSettled: () => this.bound.release(),
    });
    this.bound = new QueueBound(config.maxQueuedBytes, () => this.batcher.pendingBytes);
  }

  /**
   * Queues the record made of `encode()` and `options`; settles when its batch is acknowledged.
   * The returned promise is already handled: fire-and-forget callers find the failure on `emit`.
   */
  submit(encode: () => Buffer | string, options: SendOptions | undefined, whenFull: WhenQueueFull = 'reject'): Promise<void> {
    const { telemetry } = this.options;
    const result = telemetry
      ? telemetry.traceSend(options, (trace) => this.enqueue(encode, options, whenFull, trace))
      : this.enqueue(encode, options, whenFull);
    result.catch(noop);
    return result;
  }

  /** Sends everything queued now; resolves once nothing is queued or in flight. */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  /** Rejects every waiting, queued and in-flight record with `error`; returns how many there were. */
  abort(error: KafkaError): number {
    // Waiters first: aborting the batcher must not admit them into a dead queue.
    return this.bound.rejectAll(error) + this.batcher.abort(error);
  }

  /** Rejects only the records still waiting for room in `maxQueuedBytes`; returns how many. */
  rejectWaiters(error: KafkaError): number {
    return this.bound.rejectAll(error);
  }

  private enqueue(
    encode: () => Buffer | string,
    options: SendOptions | undefined,
    whenFull: WhenQueueFull,
    trace?: Record<string, string>,
  ): Promise<void> {
    const { topic, config, headers } = this.options;
    const readiness = this.options.readiness();
    if (readiness === 'closed') return this.fail(new ProducerClosedError(topic));
    let message: OutgoingRecord;
    let size: number;
    try {
      message = buildMessage(topic, encode(), options, headers, trace);
      size = estimateRecordSize(message.value, message.key, undefined) + headers.sizeOf(message.headers);
    } catch (error) {
      return this.fail(error instanceof KafkaError ? error : new InvalidMessageError(topic, describeCause(error), error));
    }
    if (size > config.maxMessageBytes) return this.fail(new MessageTooLargeError(topic, size, config.maxMessageBytes));
    if (readiness !== 'ready') return this.fail(new ProducerNotInitialisedError(topic));
    if (whenFull === 'wait' && (this.bound.hasWaiters || !this.bound.fits(size))) {
      // Admitted even while close() drains: the write was accepted before close began.
      return this.bound.whenRoomFor(size, () => this.batcher.add(message, size));
    }
    if (!this.bound.fits(size)) {
      return this.fail(new ProducerQueueFullError(topic, this.bound.usedBytes, this.bound.maxBytes, size));
    }
    return this.batcher.add(message, size);
  }

  private fail(error: KafkaError): Promise<never> {
    this.options.emit(error);
    return Promise.reject(error);
  }
}
