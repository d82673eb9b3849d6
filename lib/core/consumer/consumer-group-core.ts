import type { ResolvedConsumerGroupConfig } from '../config/consumer.js';
import { ErrorHub } from '../error-stream.js';
import {
  ConsumerStateError,
  HandlerRegistrationError,
  KafkaOperationError,
  type KafkaAuthorizationError,
  type KafkaError,
  type LogData,
} from '../errors.js';
import { checkHealthOf } from '../health/checker-of.js';
import { computeLag, type GroupLag } from '../health/consumer-lag.js';
import type { HealthReport } from '../health/health-types.js';
import { Initialiser } from '../initialiser.js';
import type { KafkaLogger } from '../logger.js';
import type { KafkaMessage } from '../message.js';
import { AuthorizationStatus } from '../security/auth-status.js';
import type { BatchHandler } from './batch-dispatcher.js';
import { runCloseSequence, type ConsumerCloseOptions } from './close-sequence.js';
import { ConsumeRunner } from './consume-runner.js';
import { FetchStallWatch, type PartitionRef } from './fetch-stall.js';
import { PartitionFetchRetry } from './partition-fetch-retry.js';
import type { FetchStallSnapshot } from '../health/health-types.js';
import type { Dispatcher } from './dispatch.js';
import type { ProducerSink } from '../producer/topic-batch-sender.js';
import { checkHandlerOptions, resolveFailurePolicy, type HandlerOptions } from './failure/failure-config.js';
import { forwarderProducerConfig, kafkaJsForwarderSink, SinkFailureForwarder, type FailureForwarder } from './failure/failure-forwarder.js';
import type { FailureServices, FailureSettings } from './failure/failure-ladder.js';
import { FailureCounters, type FailureStats } from './failure/failure-stats.js';
import { HandlerSlot } from './handler-slot.js';
import { registryDecodingOf } from './registry-decoding.js';
import { kafkaJsPartitionOutputs } from './transactional/kafkajs-partition-outputs.js';
import type { PartitionOutputs, TransactionalOutputConfig } from './transactional/partition-output.js';
import {
  resolveTransactionalOptions,
  type TransactionalHandler,
  type TransactionalHandlerOptions,
} from './transactional/transactional-options.js';
import type { MessageHandler } from './message-dispatcher.js';
import { checkTopicPartitions, type AssignedPartitions, type SeekRequest } from './partition-request.js';
import { APP_PAUSE_HOLDER, assignmentToList, PauseSet, type TopicPartitions } from './pause-set.js';
import { ConsumePipeline } from './pipeline.js';
import { RetryDueGate } from './retry-topics/due-gate.js';
import { RetryTopicMap } from './retry-topics/retry-topic-names.js';
import { RebalanceListeners } from './rebalance-listeners.js';
import { Seeker } from './seeker.js';
import { ConsumerState, ConsumerStateMachine, consumerStateName, type StateListener } from './state.js';
import type { ConsumerTransport } from './transport.js';
import { scheduleBackgroundStart } from '../background-start.js';
import { ConsumerTelemetry } from '../telemetry/consumer-telemetry.js';

export { DEFAULT_CONSUMER_CLOSE_TIMEOUT, type ConsumerCloseOptions } from './close-sequence.js';

/** What a subclass may give the core besides its transport. */
export interface ConsumerGroupCoreOptions {
  /**
   * Where the failure forwarder sends (retry and dead-letter topics); default a kafkajs producer
   * on the group's brokers. The test kit passes its in-memory broker's sink.
   */
  readonly forwarderSink?: () => ProducerSink;
  /**
   * Where the consume-transform-produce mode gets its per-partition producers and reads committed
   * offsets; default kafkajs producers and an admin client on the group's brokers. The test kit
   * passes its in-memory broker's.
   */
  readonly transactionalOutputs?: (output: TransactionalOutputConfig, group: ResolvedConsumerGroupConfig) => PartitionOutputs;
}

/**
 * A consumer group over any {@link ConsumerTransport}: the state machine, background
 * initialisation, handler registration, the consume pipeline and stop/close. `KafkaConsumerGroup`
 * is this over kafkajs; an in-memory group for tests is this over a fake source.
 */
export class ConsumerGroupCore {
  /** Topics consumed. */
  readonly topics: readonly string[];
  /** The consumer group id. */
  readonly groupName: string;
  /** The config with defaults applied. */
  readonly config: Readonly<ResolvedConsumerGroupConfig>;
  /** Asynchronous failures: handler errors, commit failures, crashes, close time-outs. */
  readonly errors: ErrorHub;
  /** The pipeline (offset tracker, dispatcher); for layers built on this core. */
  protected readonly pipeline: ConsumePipeline;
  protected readonly logger: KafkaLogger;
  private readonly machine: ConsumerStateMachine;
  private readonly initialiser: Initialiser;
  private readonly authorization: AuthorizationStatus;
  private wantRunning = false;
  private stopping: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly runner: ConsumeRunner;
  private readonly handlers: HandlerSlot;
  private unsubscribeLog: (() => void) | undefined;
  private readonly telemetry: ConsumerTelemetry | undefined;
  /** Holds retry-topic records back until due (a no-op without `retryTopics`). */
  private readonly dueGate: RetryDueGate;
  private readonly failureCounters = new FailureCounters();
  private readonly failureServices: FailureServices;
  private forwarder: FailureForwarder | undefined;
  private readonly rebalanceListeners: RebalanceListeners;
  private readonly seeker: Seeker;
  /** The app's pauses (the transport holds them too, with other holders': seeks, retry delays). */
  private readonly appPauses = new PauseSet();
  /** Fetch failure episodes (whole loop and single partitions): what health reads. */
  private readonly fetchWatch: FetchStallWatch;
  /** Pauses partitions whose fetch failed and retries them on the back-off. */
  private readonly fetchRetry: PartitionFetchRetry;

  constructor(
    config: ResolvedConsumerGroupConfig,
    protected readonly transport: ConsumerTransport,
    logger: KafkaLogger,
    private readonly coreOptions: ConsumerGroupCoreOptions = {},
  ) {
    this.config = config;
    this.topics = config.topics;
    this.groupName = config.groupName;
    this.logger = logger;
    this.errors = new ErrorHub(logger);
    // A refusal on one partition is worked around (that partition paused), not the member's: health judges it by its episode.
    this.authorization = new AuthorizationStatus(this.errors, (error) => error.logData.fetchFailure === 'partition');
    this.fetchWatch = new FetchStallWatch(config.stallTimeout);
    this.fetchRetry = new PartitionFetchRetry({
      watch: this.fetchWatch,
      pauser: transport,
      minRetryPeriod: config.minRetryPeriod,
      maxRetryPeriod: config.maxRetryPeriod,
      emit: (error) => this.emit(error),
      logger,
      logData: () => this.logData(),
    });
    this.machine = new ConsumerStateMachine((error) =>
      this.emit(new KafkaOperationError('a state-change listener threw', this.logData(), error)),
    );
    const dueGate = new RetryDueGate({ retryTopics: new RetryTopicMap(config), pauser: transport, logger });
    this.dueGate = dueGate;
    transport.useFailurePolicy?.(config.failurePolicy);
    this.pipeline = new ConsumePipeline({
      commitInterval: config.commitInterval,
      heartbeatInterval: config.heartbeatInterval,
      commit: (offsets) => this.transport.commit(offsets),
      emit: (error) => this.emit(error),
      logData: { group: config.groupName, topics: config.topics },
      admit: (batch) => dueGate.admit(batch),
      isPaused: (topic, partition) => this.transport.isPaused(topic, partition),
    });
    this.rebalanceListeners = new RebalanceListeners({
      onAssigned: config.onPartitionsAssigned,
      onRevoked: config.onPartitionsRevoked,
      emit: (error) => this.emit(error),
      logData: () => this.logData(),
    });
    this.seeker = new Seeker({
      transport,
      pipeline: this.pipeline,
      topics: config.topics,
      assignment: () =>
        this.state === ConsumerState.Consuming && this.rebalanceListeners.holding ? this.rebalanceListeners.assignment : undefined,
      emit: (error) => this.emit(error),
      logData: () => this.logData(),
    });
    this.telemetry = ConsumerTelemetry.create(this, config);
    this.failureServices = {
      groupName: config.groupName,
      stats: this.failureCounters,
      forwarder: () => this.forwarder,
      requestStop: () => {
        this.logger.warn('a handler failure stopped the consumer group (onError: stop)', this.logData());
        void this.stop();
      },
      logger,
      trace: (message, step, error, details) => this.telemetry?.failureStep(message, step, error, details),
    };
    this.handlers = new HandlerSlot({
      telemetry: this.telemetry,
      pipeline: this.pipeline,
      numWorkers: config.numWorkers,
      ordering: config.ordering,
      maxConcurrency: config.maxConcurrency,
      batchSize: config.batchSize,
      batchWaitTime: config.batchWaitTime,
      emit: (error) => this.emit(error),
      logData: () => this.logData(),
      failure: (options) => this.failureSettings(options),
      registry: registryDecodingOf(config.schemaRegistry),
    });
    this.runner = new ConsumeRunner({
      transport,
      pipeline: this.pipeline,
      machine: this.machine,
      logger,
      minRetryPeriod: config.minRetryPeriod,
      maxRetryPeriod: config.maxRetryPeriod,
      watch: this.fetchWatch,
      onFetchFailed: (partitions, error) => this.fetchRetry.failed(partitions, error),
      onFetched: (partitions) => partitions.forEach(({ topic, partition }) => this.fetchRetry.fetched(topic, partition)),
      onJoined: () => this.authorization.clear(),
      releaseLateConnection: () => this.releaseLateConnection(),
      emit: (error) => this.emit(error),
      logData: () => this.logData(),
      afterGroupJoin: (assignment) => {
        const partitions = assignmentToList(assignment);
        this.seeker.onGroupJoin(partitions); // pauses what it moves before the first fetch
        void this.rebalanceListeners.assigned(partitions);
      },
      afterHandOver: () => this.handedOver(),
    });
    this.initialiser = new Initialiser({
      connect: () => this.transport.connect(),
      probe: transport.reachability,
      onConnected: () => this.onInitialised(),
      onLateConnection: () => this.releaseLateConnection(),
      minRetryPeriod: config.minRetryPeriod,
      maxRetryPeriod: config.maxRetryPeriod,
      onRetry: (error, attempt, nextDelayMs) => {
        this.authorization.record(error); // e.g. a refused TLS handshake: health is CRITICAL
        this.logger.warn('error initialising consumer group, will retry', {
          ...this.logData(),
          attempt,
          nextDelayMs,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    });
    // Never touch the network inside the constructor: the first attempt runs on the next turn.
    scheduleBackgroundStart(() => this.initialiser.startBackground());
  }

  /** The current state. */
  get state(): ConsumerState {
    return this.machine.state;
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: StateListener): () => void {
    return this.machine.onChange(listener);
  }

  /** Resolves when the group enters `state` (at once if it is current). */
  waitForState(state: ConsumerState): Promise<void> {
    return this.machine.waitFor(state);
  }

  /** Whether the brokers were reached. */
  isInitialised(): boolean {
    return this.initialiser.initialised;
  }

  /**
   * Connects now if not yet connected (the background loop keeps trying on failure). Rejects with
   * the connection error, or {@link ConsumerStateError} once closing.
   */
  initialise(): Promise<void> {
    return this.initialiser.initialise();
  }

  /** Resolves once initialised; rejects with {@link ConsumerStateError} if closed first. */
  waitUntilInitialised(): Promise<void> {
    return this.initialiser.waitUntilDone();
  }

  /**
   * The broker's refusal (ACL, SASL, TLS certificate) this group last met, until it joins the
   * group again; while there is one, {@link checker} reports CRITICAL.
   */
  authorizationFailure(): KafkaAuthorizationError | undefined {
    return this.authorization.failure;
  }

  /**
   * Registers the single-message handler; `options` (`onError`, `handlerTimeoutMs`) override the
   * group's. A second handler of either kind throws {@link HandlerRegistrationError}; bad options
   * throw {@link KafkaConfigError}.
   */
  registerHandler(handler: MessageHandler, options?: HandlerOptions): void {
    this.handlers.message(handler, options);
  }

  /**
   * Registers the batch handler; `options` (`onError`, `handlerTimeoutMs`) override the group's. A
   * second handler of either kind throws {@link HandlerRegistrationError}; bad options throw
   * {@link KafkaConfigError}.
   */
  registerBatchHandler(handler: BatchHandler, options?: HandlerOptions): void {
    this.handlers.batch(handler, options);
  }

  /**
   * Registers a consume-transform-produce handler (docs/exactly-once.md): what it sends with `tx`
   * and the group offsets of the records it handled commit in one transaction per partition.
   * Throws {@link HandlerRegistrationError} for a second handler, an `ordering` other than
   * 'partition' or a policy that forwards records; bad options throw {@link KafkaConfigError}.
   */
  registerTransactionalHandler(handler: TransactionalHandler, options: TransactionalHandlerOptions): void {
    const settings = resolveTransactionalOptions(options, this.config.failurePolicy);
    const outputs = (this.coreOptions.transactionalOutputs ?? kafkaJsPartitionOutputs)(settings.output, this.config);
    this.handlers.transactional(handler, settings, {
      outputs,
      groupName: this.groupName,
      requestStop: () => {
        this.logger.warn('a handler failure stopped the consumer group (onError: stop)', this.logData());
        void this.stop();
      },
    });
  }

  /**
   * The fetch path's health: failure episodes under way, their verdict, and the partitions whose
   * progress health watches (assigned, not paused, while consuming). For the health checker.
   */
  fetchStall(): FetchStallSnapshot {
    const watched: PartitionRef[] =
      this.state === ConsumerState.Consuming
        ? this.rebalanceListeners.assignment.flatMap(({ topic, partitions }) =>
            partitions.filter((partition) => !this.transport.isPaused(topic, partition)).map((partition) => ({ topic, partition })),
          )
        : [];
    return {
      stallTimeoutMs: this.fetchWatch.stallTimeoutMs,
      verdict: this.fetchWatch.verdict(),
      failures: this.fetchWatch.failures(),
      watched,
    };
  }

  /** Ends every fetch failure episode and its partition retries (on stop and close). */
  private clearFetchFailures(): void {
    this.fetchRetry.clear();
    this.fetchWatch.clear();
  }

  /** Failure-handling counters since the group was created (also in the health report's details). */
  failureStats(): FailureStats {
    return this.failureCounters.snapshot();
  }

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
  messages(): AsyncIterable<KafkaMessage> {
    return this.handlers.channel((listener) => this.onStateChange(listener), this.state);
  }

  /** Whether a handler (of either kind) is registered. */
  hasHandler(): boolean {
    return this.pipeline.hasDispatcher;
  }

  /**
   * Starts consuming. While initialising it records the wish and starts once initialised; while
   * stopping it starts again when the stop is done. Rejects with {@link ConsumerStateError} while
   * closing and with {@link HandlerRegistrationError} when no handler is registered.
   */
  async start(): Promise<void> {
    if (this.state === ConsumerState.Closing) {
      throw new ConsumerStateError('consumer group cannot be started because it is closing', this.logData());
    }
    if (!this.pipeline.hasDispatcher) {
      throw new HandlerRegistrationError(
        'consumer group cannot start without a handler: call registerHandler, registerBatchHandler or messages() first',
        this.logData(),
      );
    }
    this.wantRunning = true;
    if (this.state === ConsumerState.Stopped) this.runner.start();
  }

  /** Stops consuming; the group stays initialised and can start again. Resolves once the stop began. */
  async stop(): Promise<void> {
    this.wantRunning = false;
    if (this.state === ConsumerState.Starting || this.state === ConsumerState.Consuming) this.beginStop();
  }

  /** Stops and resolves once in-flight handlers finished and their offsets were committed. */
  async stopAndWait(): Promise<void> {
    await this.stop();
    if (this.stopping) await this.stopping;
  }

  /**
   * Stops, drains in-flight work, runs `onClosing` hooks, leaves the group and disconnects.
   * Resolves within `timeout` (emitting {@link KafkaTimeoutError} if it had to give up). A second
   * call returns the first call's promise. Never rejects.
   */
  close(options: ConsumerCloseOptions = {}): Promise<void> {
    if (this.closing) return this.closing;
    const stopping = this.stopping;
    this.wantRunning = false;
    this.machine.moveTo(ConsumerState.Closing);
    this.initialiser.cancel(new ConsumerStateError('consumer group is closing, it was not initialised', this.logData()));
    this.runner.cancelRestart();
    this.closing = (async () => {
      await runCloseSequence(
        {
          stopping,
          drain: () => this.pipeline.drain().then(() => this.handedOver()),
          disconnect: () => this.transport.disconnect(),
          emit: (error) => this.emit(error),
          logger: this.logger,
          logData: () => this.logData(),
        },
        options,
      );
      await this.forwarder?.close();
      this.clearFetchFailures();
      this.pipeline.dispose();
      this.dueGate.dispose();
      this.authorization.dispose();
      this.unsubscribeLog?.();
      this.telemetry?.dispose();
      this.errors.end(); // ends `for await` loops over the errors
    })();
    return this.closing;
  }

  /**
   * Pauses fetching of the whole group (no argument) or of some topics or partitions, while the
   * member stays in the group: no rebalance, heartbeats go on, the state does not change. The
   * messages of a paused partition already being handled finish (no new one of it starts) and
   * their offsets are committed; the promise resolves once that is done. Pauses last until
   * {@link resume}, across rebalances and restarts; pausing a topic covers its partitions
   * assigned later. Callable before `start()` (the group then starts paused).
   *
   * @throws UnknownTopicError for a topic the group does not consume
   * @throws InvalidPartitionError for a partition that is not an integer >= 0
   * @throws ConsumerStateError once closing
   */
  async pause(partitions?: readonly TopicPartitions[]): Promise<void> {
    const targets = this.checkControl(partitions, 'paused');
    this.appPauses.pause(targets);
    this.transport.pause(targets, APP_PAUSE_HOLDER);
    const affected = this.rebalanceListeners.assignment.flatMap(({ topic, partitions: ps }) =>
      ps.filter((partition) => this.appPauses.isPaused(topic, partition)).map((partition) => ({ topic, partition })),
    );
    await this.pipeline.settle(affected, partitions === undefined);
  }

  /**
   * Lifts the app's pause of the whole group (no argument) or of some topics or partitions
   * (resuming a partition of a topic paused whole makes an exception). Fetching goes on from
   * the next message not handled: nothing is skipped or handled twice.
   *
   * @throws UnknownTopicError for a topic the group does not consume
   * @throws InvalidPartitionError for a partition that is not an integer >= 0
   * @throws ConsumerStateError once closing
   */
  resume(partitions?: readonly TopicPartitions[]): void {
    const targets = this.checkControl(partitions, 'resumed');
    this.appPauses.resume(targets);
    this.transport.resume(targets, APP_PAUSE_HOLDER);
    this.pipeline.onResumed();
  }

  /** Whether the app paused the whole group (every topic, with no partition resumed since). Not a state: see README. */
  isPaused(): boolean {
    return this.topics.every((topic) => this.appPauses.isTopicPaused(topic));
  }

  /** The assigned partitions the app paused now. */
  pausedPartitions(): AssignedPartitions[] {
    return this.appPauses.pausedOf(this.rebalanceListeners.assignment);
  }

  /** The partitions assigned to this member now (empty when it holds none: not joined, rebalancing, stopped). */
  assignment(): AssignedPartitions[] {
    if (this.state !== ConsumerState.Consuming) return []; // e.g. backing off after a crash
    return this.rebalanceListeners.assignment.map((a) => ({ topic: a.topic, partitions: [...a.partitions] }));
  }

  /**
   * Moves the read position of a partition (or of every assigned partition of a topic when
   * `partition` is absent) to an offset, the first record at or after a timestamp, or the log's
   * beginning or end. While consuming it applies now: the partition pauses, its in-flight
   * messages finish and are committed, the position moves and fetching resumes there; what the
   * group commits afterwards starts from the new position (also when that is behind the last
   * commit). In any other state (before `start()`, while joining or rebalancing) it is kept and
   * applied when the member next joins, before the partitions are fetched; failures then go to
   * {@link errors}. A seek is not a commit: a restart before anything is handled reads from the
   * last committed offset again. An offset past the log's end or before its start is reset by
   * the broker's rule (the group's `offset` setting).
   *
   * @throws UnknownTopicError, InvalidPartitionError, InvalidSeekError for bad input
   * @throws PartitionNotAssignedError while consuming, for a partition not assigned to this member
   * @throws KafkaOperationError when the offsets of a timestamp, beginning or end cannot be read
   * @throws ConsumerStateError once closing
   */
  async seek(request: SeekRequest): Promise<void> {
    if (this.state === ConsumerState.Closing) {
      throw new ConsumerStateError('cannot seek: the consumer group is closing', this.logData());
    }
    await this.seeker.seek(request);
  }

  /**
   * The group's lag per partition of its topics (log end minus the committed offset; with no
   * commit, the records in the log) and in total: what the health report shows, on demand.
   *
   * @throws KafkaOperationError when the offsets cannot be read
   */
  async lag(): Promise<GroupLag> {
    try {
      return await computeLag(this.transport.offsets, this.groupName, this.topics);
    } catch (error) {
      throw new KafkaOperationError('consumer lag unavailable', this.logData(), error);
    }
  }

  /**
   * Health report (dp-kafka's `Checker`) with the group's state and lag per partition: WARNING
   * until initialised, then each broker probed. Cached for 1 s; never rejects. See README, Health.
   */
  checker(): Promise<HealthReport> {
    return checkHealthOf(this);
  }

  /**
   * Writes every error of {@link errors} to the logger (once, however often it is called), with
   * the group's context at the time of the error. Without it, and with no other subscriber,
   * errors still reach the logger through the stream's fallback; this only adds that context.
   */
  logErrors(): void {
    this.unsubscribeLog ??= this.errors.logTo(this.logger, 'kafka consumer group error', () => this.logData());
  }

  /** Installs a dispatcher (e.g. a channel-style API). Throws if a handler is already registered. */
  protected registerDispatcher(dispatcher: Dispatcher): void {
    this.handlers.install(dispatcher);
  }

  /** Context for logs and errors. */
  protected logData(): LogData {
    return { group: this.groupName, topics: this.topics, state: consumerStateName(this.state) };
  }

  /** Sends an error to {@link errors}. */
  protected emit(error: KafkaError): void {
    this.errors.emit(error);
  }

  private checkControl(partitions: readonly TopicPartitions[] | undefined, what: string): TopicPartitions[] {
    if (this.state === ConsumerState.Closing) {
      throw new ConsumerStateError(`the consumer group cannot be ${what}: it is closing`, this.logData());
    }
    return checkTopicPartitions(partitions, this.topics, this.logData());
  }

  /** The failure handling of a handler registered with `options`; creates the forwarder when its policy forwards. */
  private failureSettings(options: HandlerOptions | undefined): FailureSettings {
    checkHandlerOptions(options);
    const policy = options?.onError !== undefined ? resolveFailurePolicy(options.onError) : this.config.failurePolicy;
    const handlerTimeoutMs = options?.handlerTimeoutMs ?? this.config.handlerTimeoutMs;
    if (options?.onError !== undefined) {
      // The handler's own retry topics are the ones consumed and held until due.
      this.dueGate.useRetryTopics(new RetryTopicMap({ topics: this.topics, failurePolicy: policy }));
      this.transport.useFailurePolicy?.(policy);
    }
    if (policy.forwards && !this.forwarder) {
      const settings = forwarderProducerConfig(this.config);
      const custom = this.coreOptions.forwarderSink;
      this.forwarder = new SinkFailureForwarder({
        sink: custom ? custom() : kafkaJsForwarderSink(settings),
        settings,
        probe: custom === undefined,
        stats: this.failureCounters,
        emit: (error) => this.emit(error),
        logger: this.logger,
        logData: () => this.logData(),
      });
    }
    return { policy, handlerTimeoutMs, services: this.failureServices };
  }

  /** The brokers were reached (close() has not begun: the initialiser is cancelled by then). */
  private onInitialised(): void {
    this.authorization.clear();
    this.logger.info('kafka consumer group has been initialised', this.logData());
    // Waiters are resolved after this returns, by which time the state is Stopped or Starting.
    if (this.wantRunning && this.pipeline.hasDispatcher) this.runner.start();
    else this.machine.moveTo(ConsumerState.Stopped);
  }

  /** The partitions were given up after their work ended: the dispatcher's resources, then the app's listener. */
  private async handedOver(): Promise<void> {
    await this.pipeline.handedOver();
    await this.rebalanceListeners.revoked();
  }

  /** Connected after close() began (and possibly after its disconnect): let go again. */
  private releaseLateConnection(): void {
    this.transport
      .disconnect()
      .catch((error: unknown) => this.emit(new KafkaOperationError('error disconnecting after a late connection', this.logData(), error)));
  }

  private beginStop(): void {
    if (!this.machine.moveTo(ConsumerState.Stopping)) return;
    this.runner.cancelRestart();
    this.stopping = (async () => {
      await this.pipeline.drain();
      await this.handedOver();
      try {
        await this.transport.stop();
      } catch (error) {
        this.emit(new KafkaOperationError('error stopping the consumer', this.logData(), error));
      }
      // Stopped on purpose: nothing is fetched, so no fetch is failing; a new start tries again.
      this.clearFetchFailures();
      if (this.machine.moveTo(ConsumerState.Stopped)) {
        this.logger.info('kafka consumer group is stopped', this.logData());
        if (this.wantRunning) this.runner.start();
      }
    })().finally(() => (this.stopping = undefined));
  }
}
