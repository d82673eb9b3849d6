import type { Kafka } from 'kafkajs';
import { resolveConsumerGroupConfig, type ConsumerGroupConfig } from '../config/consumer.js';
import type { ErrorStream } from '../error-stream.js';
import type { KafkaAuthorizationError } from '../errors.js';
import type { GroupLag } from '../health/consumer-lag.js';
import type { HealthReport } from '../health/health-types.js';
import type { KafkaMessage } from '../message.js';
import type { BatchHandler } from './batch-dispatcher.js';
import type { ConsumerCloseOptions } from './close-sequence.js';
import { ConsumerGroupCore } from './consumer-group-core.js';
import { KafkaJsConsumerTransport } from './kafkajs-transport.js';
import type { MessageHandler } from './message-dispatcher.js';
import type { TransactionalHandler, TransactionalHandlerOptions } from './transactional/transactional-options.js';
import type { AssignedPartitions, SeekRequest } from './partition-request.js';
import type { TopicPartitions } from './pause-set.js';
import type { HandlerOptions } from './failure/failure-config.js';
import type { FailureStats } from './failure/failure-stats.js';
import type { ConsumerState, StateListener } from './state.js';

export type { MessageHandler } from './message-dispatcher.js';
export type { BatchHandler } from './batch-dispatcher.js';
export type { TransactionalHandler, TransactionalHandlerOptions } from './transactional/transactional-options.js';
export { DoNotCommitError, shouldCommit } from './commit-rule.js';

/**
 * A Kafka consumer group with dp-kafka's guarantees, over kafkajs: it never fails on a missing
 * broker (it initialises in the background), has an explicit state machine, runs a single
 * handler on a worker pool or a batch handler, commits at-least-once and drains on stop/close.
 *
 * This interface is what users hold (what `@InjectConsumerGroup()` injects, and what the test
 * kit's `InMemoryConsumerGroup` also is); build one with `new KafkaConsumerGroup(config)`.
 *
 * @example
 * ```ts
 * const group = new KafkaConsumerGroup({ brokers: ['localhost:9092'], topic: 'orders', groupName: 'billing' });
 * group.registerHandler(async (message) => handle(message.decode(schema)));
 * group.logErrors();
 * await group.start();
 * // on shutdown:
 * await group.close();
 * ```
 */
export interface KafkaConsumerGroup {
  /** Topics consumed. */
  readonly topics: readonly string[];
  /** The consumer group id. */
  readonly groupName: string;
  /** Asynchronous failures: handler errors, commit failures, crashes, close time-outs. */
  readonly errors: ErrorStream;
  /** The current state. */
  readonly state: ConsumerState;
  /** The underlying kafkajs client (e.g. for admin work with the same connection settings). */
  readonly kafkaClient: Kafka;
  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: StateListener): () => void;
  /** Resolves when the group enters `state` (at once if it is current). */
  waitForState(state: ConsumerState): Promise<void>;
  /** Whether the brokers were reached. */
  isInitialised(): boolean;
  /**
   * Connects now if not yet connected (the background loop keeps trying on failure). Rejects with
   * the connection error, or {@link ConsumerStateError} once closing.
   */
  initialise(): Promise<void>;
  /** Resolves once initialised; rejects with {@link ConsumerStateError} if closed first. */
  waitUntilInitialised(): Promise<void>;
  /**
   * The broker's refusal (ACL, SASL, TLS certificate) this group last met, until it joins the
   * group again; while there is one, {@link KafkaConsumerGroup.checker} reports CRITICAL.
   */
  authorizationFailure(): KafkaAuthorizationError | undefined;
  /**
   * Registers the single-message handler; `options` (`onError`, `handlerTimeoutMs`) override the
   * group's. A second handler of either kind throws {@link HandlerRegistrationError}; bad options
   * throw {@link KafkaConfigError}.
   */
  registerHandler(handler: MessageHandler, options?: HandlerOptions): void;
  /**
   * Registers the batch handler; `options` (`onError`, `handlerTimeoutMs`) override the group's. A
   * second handler of either kind throws {@link HandlerRegistrationError}; bad options throw
   * {@link KafkaConfigError}.
   */
  registerBatchHandler(handler: BatchHandler, options?: HandlerOptions): void;
  /**
   * Registers a consume-transform-produce handler (docs/exactly-once.md): the records it sends
   * with `tx` and the group offsets of the records it handled commit in one transaction, per
   * input partition, of at most `maxRecords` records or `maxMs`. A second handler, an `ordering`
   * other than 'partition' or an `onError` that forwards records throws
   * {@link HandlerRegistrationError}; bad options throw {@link KafkaConfigError}.
   */
  registerTransactionalHandler(handler: TransactionalHandler, options: TransactionalHandlerOptions): void;
  /** Failure-handling counters since the group was created (also in the health report's details). */
  failureStats(): FailureStats;
  /**
   * The channel-style API (dp-kafka's `Upstream`): an async iterable of messages, instead of a
   * handler. Call it before `start()`; it returns the same iterable every time, and several loops
   * may read it at once. Each message must be released (`release()` or `commitAndRelease()`)
   * before its partition hands out the next one; `mark()` stores offset + 1 for the next commit,
   * `commit()` also commits now. Stop and close end every loop. At-least-once: what is not marked
   * is redelivered after a restart, unless a later message of its partition was marked.
   *
   * @throws HandlerRegistrationError when a handler or batch handler is registered (registering
   *   one after this throws too)
   */
  messages(): AsyncIterable<KafkaMessage>;
  /** Whether a handler (of either kind) is registered. */
  hasHandler(): boolean;
  /**
   * Starts consuming. While initialising it records the wish and starts once initialised; while
   * stopping it starts again when the stop is done. Rejects with {@link ConsumerStateError} while
   * closing and with {@link HandlerRegistrationError} when no handler is registered.
   */
  start(): Promise<void>;
  /** Stops consuming; the group stays initialised and can start again. Resolves once the stop began. */
  stop(): Promise<void>;
  /** Stops and resolves once in-flight handlers finished and their offsets were committed. */
  stopAndWait(): Promise<void>;
  /**
   * Stops, drains in-flight work, runs `onClosing` hooks, leaves the group and disconnects.
   * Resolves within `timeout` (emitting {@link KafkaTimeoutError} if it had to give up). A second
   * call returns the first call's promise. Never rejects.
   */
  close(options?: ConsumerCloseOptions): Promise<void>;
  /**
   * Health report (dp-kafka's `Checker`) with the group's state and lag per partition: WARNING
   * until initialised, then each broker probed. Cached for 1 s; never rejects. See README, Health.
   */
  checker(): Promise<HealthReport>;
  /**
   * Pauses fetching of the whole group (no argument) or of some topics or partitions while the
   * member stays in the group (no rebalance; the state does not change). Messages of a paused
   * partition already being handled finish; the promise resolves once they did and their
   * offsets were committed. Lasts until {@link KafkaConsumerGroup.resume}, across rebalances and
   * restarts; callable before `start()`. See README, "Pausing, seeking and rebalance listeners".
   *
   * @throws UnknownTopicError, InvalidPartitionError for bad input; ConsumerStateError once closing
   */
  pause(partitions?: readonly TopicPartitions[]): Promise<void>;
  /**
   * Lifts the app's pause of the whole group (no argument) or of some topics or partitions;
   * fetching goes on from the next message not handled.
   *
   * @throws UnknownTopicError, InvalidPartitionError for bad input; ConsumerStateError once closing
   */
  resume(partitions?: readonly TopicPartitions[]): void;
  /** Whether the app paused the whole group (a flag beside the state, which stays e.g. `Consuming`). */
  isPaused(): boolean;
  /** The assigned partitions the app paused now. */
  pausedPartitions(): AssignedPartitions[];
  /** The partitions assigned to this member now (empty when it holds none). */
  assignment(): AssignedPartitions[];
  /**
   * Moves the read position of a partition (or every assigned partition of a topic) to an
   * offset, a timestamp, the beginning or the end: now while consuming (in-flight messages of it
   * finish and are committed first; later commits start from the new position), else at the next
   * group join. Not a commit.
   *
   * @throws UnknownTopicError, InvalidPartitionError, InvalidSeekError for bad input;
   *   PartitionNotAssignedError while consuming, for a partition not assigned to this member;
   *   KafkaOperationError when the offsets of a timestamp, beginning or end cannot be read
   */
  seek(request: SeekRequest): Promise<void>;
  /**
   * Lag per partition (log end minus committed offset) and in total, read now.
   *
   * @throws KafkaOperationError when the offsets cannot be read
   */
  lag(): Promise<GroupLag>;
  /**
   * Writes every error of {@link KafkaConsumerGroup.errors} to the logger (once, however often it
   * is called), with the group's context at the time of the error. Without it, and with no other
   * subscriber, errors still reach the logger through the stream's fallback; this only adds that context.
   */
  logErrors(): void;
}

/** The implementation: {@link ConsumerGroupCore} over the kafkajs transport. Internal; users hold {@link KafkaConsumerGroup}. */
export class KafkaJsConsumerGroup extends ConsumerGroupCore implements KafkaConsumerGroup {
  constructor(config: ConsumerGroupConfig) {
    const resolved = resolveConsumerGroupConfig(config);
    super(resolved, new KafkaJsConsumerTransport(resolved, resolved.logger), resolved.logger);
  }

  /** The underlying kafkajs client (for health probes and admin work). */
  get kafkaClient(): Kafka {
    return (this.transport as KafkaJsConsumerTransport).client;
  }
}

/** Creates a {@link KafkaConsumerGroup}: `new KafkaConsumerGroup(config)`. */
export const KafkaConsumerGroup: {
  /** Validates `config` (throws one KafkaConfigError naming every bad field); never touches the network synchronously. */
  new (config: ConsumerGroupConfig): KafkaConsumerGroup;
  /** For `instanceof`. */
  readonly prototype: KafkaConsumerGroup;
} = KafkaJsConsumerGroup;
