import { HandlerRegistrationError, type KafkaError, type LogData } from '../errors.js';
import { BatchDispatcher, type BatchHandler } from './batch-dispatcher.js';
import type { Dispatcher } from './dispatch.js';
import type { HandlerOptions } from './failure/failure-config.js';
import type { FailureSettings } from './failure/failure-ladder.js';
import { MessageChannel } from './message-channel.js';
import { MessageDispatcher, type MessageHandler } from './message-dispatcher.js';
import type { ConsumePipeline } from './pipeline.js';
import type { ConsumerState, StateListener } from './state.js';

/** Options of a {@link HandlerSlot}. */
export interface HandlerSlotOptions {
  readonly pipeline: ConsumePipeline;
  readonly numWorkers: number;
  readonly batchSize: number;
  readonly batchWaitTime: number;
  readonly emit: (error: KafkaError) => void;
  /** Context for logs and errors. */
  readonly logData: () => LogData;
  /** The failure handling of a handler registered with `options` (validates them; throws KafkaConfigError). */
  readonly failure: (options: HandlerOptions | undefined) => FailureSettings;
}

/**
 * The one way a consumer group hands messages out: a single-message handler on the worker pool,
 * a batch handler, or the channel-style `messages()` reader. Only one may be installed, as in
 * dp-kafka; a second attempt throws {@link HandlerRegistrationError}.
 */
export class HandlerSlot {
  private reader: MessageChannel | undefined;

  constructor(private readonly options: HandlerSlotOptions) {}

  /** Installs a single-message handler run on `numWorkers` workers. */
  message(handler: MessageHandler, options?: HandlerOptions): void {
    this.checkHandler(handler);
    this.checkFree();
    const { pipeline, numWorkers, emit, logData } = this.options;
    const failure = this.options.failure(options);
    this.install(new MessageDispatcher({ handler, numWorkers, tracker: pipeline.tracker, emit, logData, failure }));
  }

  /** Installs a batch handler (batches of `batchSize`, or fewer after `batchWaitTime`). */
  batch(handler: BatchHandler, options?: HandlerOptions): void {
    this.checkHandler(handler);
    this.checkFree();
    const { pipeline, batchSize, batchWaitTime, emit, logData } = this.options;
    const failure = this.options.failure(options);
    this.install(new BatchDispatcher({ handler, batchSize, batchWaitTime, tracker: pipeline.tracker, emit, logData, failure }));
  }

  /** The channel-style reader, installed on first call; it follows the group's state to end its loops. */
  channel(onStateChange: (listener: StateListener) => () => void, state: ConsumerState): MessageChannel {
    if (!this.reader) {
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

  private checkHandler(handler: unknown): void {
    if (typeof handler !== 'function') {
      throw new HandlerRegistrationError('handler must be a function', this.options.logData());
    }
  }
}
