import type { ConsumerOrdering } from '../config/consumer.js';
import { HandlerRegistrationError, type KafkaError, type LogData } from '../errors.js';
import { BatchDispatcher, type BatchHandler } from './batch-dispatcher.js';
import type { Dispatcher } from './dispatch.js';
import { createMessageInvoker } from './invoke-handler.js';
import { BUFFERED_RECORDS_PER_WORKER, DEFAULT_MAX_BUFFERED_BYTES, KeyedDispatcher, MIN_BUFFERED_RECORDS } from './keyed-dispatcher.js';
import type { HandlerOptions } from './failure/failure-config.js';
import type { FailureSettings } from './failure/failure-ladder.js';
import { MessageChannel } from './message-channel.js';
import { MessageDispatcher, type MessageHandler } from './message-dispatcher.js';
import type { ConsumePipeline } from './pipeline.js';
import type { ConsumerState, StateListener } from './state.js';
import { TransactionalDispatcher, type TransactionalDispatcherOptions } from './transactional/transactional-dispatcher.js';
import type { ResolvedTransactionalOptions, TransactionalHandler } from './transactional/transactional-options.js';
import { traceBatchHandler, traceMessageHandler, type ConsumerTelemetry } from '../telemetry/consumer-telemetry.js';
import type { RegistryDecoding } from '../message.js';
import { decodingBatchHandler, decodingMessageHandler } from './registry-decoding.js';

/** What the consume-transform-produce mode gets from its group. */
export type TransactionalServices = Pick<TransactionalDispatcherOptions, 'outputs' | 'groupName' | 'requestStop'>;

/** Options of a {@link HandlerSlot}. */
export interface HandlerSlotOptions {
  readonly pipeline: ConsumePipeline;
  readonly numWorkers: number;
  readonly ordering: ConsumerOrdering;
  /** Handler calls at once with `ordering` 'key' or 'none'. */
  readonly maxConcurrency: number;
  readonly batchSize: number;
  readonly batchWaitTime: number;
  readonly emit: (error: KafkaError) => void;
  /** Context for logs and errors. */
  readonly logData: () => LogData;
  /** Spans and metrics around every handler call; absent when off or unavailable. */
  readonly telemetry?: ConsumerTelemetry;
  /** The failure handling of a handler registered with `options` (validates them; throws KafkaConfigError). */
  readonly failure: (options: HandlerOptions | undefined) => FailureSettings;
  /** Schema registry decoding before each handler call; absent without a `schemaRegistry`. */
  readonly registry?: RegistryDecoding;
}

/**
 * The one way a consumer group hands messages out: a single-message handler on the worker pool,
 * a batch handler, or the channel-style `messages()` reader. Only one may be installed, as in
 * dp-kafka; a second attempt throws {@link HandlerRegistrationError}.
 */
export class HandlerSlot {
  private reader: MessageChannel | undefined;

  constructor(private readonly options: HandlerSlotOptions) {}

  /**
   * Installs a single-message handler: on `numWorkers` workers one record per partition at a
   * time, or with `ordering` 'key' / 'none' on `maxConcurrency` workers beyond the partition count.
   */
  message(handler: MessageHandler, options?: HandlerOptions): void {
    this.checkHandler(handler);
    this.checkFree();
    const { pipeline, numWorkers, ordering, maxConcurrency, emit, logData, telemetry, registry } = this.options;
    const failure = this.options.failure(options);
    if (registry) handler = decodingMessageHandler(handler, registry);
    handler = traceMessageHandler(handler, telemetry);
    if (ordering === 'partition') {
      this.install(new MessageDispatcher({ handler, numWorkers, tracker: pipeline.tracker, emit, logData, failure }));
      return;
    }
    this.install(
      new KeyedDispatcher({
        tracker: pipeline.tracker,
        gate: pipeline,
        // The same invoker as the partition mode: request id, error reporting, commit rule, failure policies.
        invoke: createMessageInvoker({ handler, emit, logData, failure }),
        ordering,
        maxConcurrency,
        maxBufferedRecords: Math.max(MIN_BUFFERED_RECORDS, BUFFERED_RECORDS_PER_WORKER * maxConcurrency),
        maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES,
      }),
    );
  }

  /** Installs a batch handler (batches of `batchSize`, or fewer after `batchWaitTime`). */
  batch(handler: BatchHandler, options?: HandlerOptions): void {
    this.checkHandler(handler);
    this.checkPartitionOrdering('registerBatchHandler');
    this.checkFree();
    const { pipeline, batchSize, batchWaitTime, emit, logData, telemetry, registry } = this.options;
    const failure = this.options.failure(options);
    if (registry) handler = decodingBatchHandler(handler, registry);
    handler = traceBatchHandler(handler, telemetry);
    this.install(new BatchDispatcher({ handler, batchSize, batchWaitTime, tracker: pipeline.tracker, emit, logData, failure }));
  }

  /**
   * Installs a consume-transform-produce handler (one transaction per partition batch slice).
   * Partition order only, and no policy that forwards records (dead letter, retry topics) yet.
   */
  transactional(handler: TransactionalHandler, settings: ResolvedTransactionalOptions, services: TransactionalServices): void {
    this.checkHandler(handler);
    this.checkPartitionOrdering('registerTransactionalHandler');
    this.checkFree();
    if (settings.policy.forwards) {
      throw new HandlerRegistrationError(
        'registerTransactionalHandler cannot forward failed records yet (onError with deadLetter or retryTopics): use retry with then commit or stop',
        { ...this.options.logData(), then: settings.policy.then, retryTopics: settings.policy.retryTopics.length },
      );
    }
    if (this.options.registry) {
      throw new HandlerRegistrationError(
        'registerTransactionalHandler cannot read through a schema registry yet; use a group without schemaRegistry (in KafkaModule, schemaRegistry: false on its entry)',
        this.options.logData(),
      );
    }
    const { emit, logData } = this.options;
    this.install(new TransactionalDispatcher({ handler, settings, emit, logData, ...services }));
  }

  /** The channel-style reader, installed on first call; it follows the group's state to end its loops. */
  channel(onStateChange: (listener: StateListener) => () => void, state: ConsumerState): MessageChannel {
    if (!this.reader) {
      this.checkPartitionOrdering('messages()');
      if (this.options.registry) {
        throw new HandlerRegistrationError(
          'messages() cannot read through a schema registry (its writer schemas are fetched before a handler call); use registerHandler or registerBatchHandler',
          this.options.logData(),
        );
      }
      const { pipeline, numWorkers, batchSize } = this.options;
      const channel = new MessageChannel({
        capacity: Math.max(numWorkers, batchSize),
        tracker: pipeline.tracker,
        flushCommits: () => pipeline.flushCommits(),
      });
      this.install(channel);
      onStateChange((next) => channel.onGroupState(next));
      channel.onGroupState(state);
      this.reader = channel;
    }
    return this.reader;
  }

  /** Installs any dispatcher. Throws if one is already installed. */
  install(dispatcher: Dispatcher): void {
    this.checkFree();
    this.options.pipeline.setDispatcher(dispatcher);
  }

  /** Throws when a handler, batch handler or reader is already installed. */
  private checkFree(): void {
    if (this.options.pipeline.hasDispatcher) {
      throw new HandlerRegistrationError(
        'failed to register handler because a handler, batch handler or messages() reader had already been registered, only 1 allowed',
        this.options.logData(),
      );
    }
  }

  /**
   * The batch handler already takes many records per call and the channel hands out one record
   * per partition until released: neither runs records of a partition in parallel.
   */
  private checkPartitionOrdering(api: string): void {
    const { ordering } = this.options;
    if (ordering === 'partition') return;
    throw new HandlerRegistrationError(
      `${api} cannot be used with ordering '${ordering}' (per-key and unordered parallelism work with registerHandler only); remove the ordering option or use registerHandler`,
      { ...this.options.logData(), ordering },
    );
  }

  private checkHandler(handler: unknown): void {
    if (typeof handler !== 'function') {
      throw new HandlerRegistrationError('handler must be a function', this.options.logData());
    }
  }
}
