import type { ResolvedConsumerGroupConfig } from '../config/consumer.js';
import { ErrorStream } from '../error-stream.js';
import {
  ConsumerStateError,
  HandlerRegistrationError,
  KafkaOperationError,
  KafkaTimeoutError,
  type KafkaError,
  type LogData,
} from '../errors.js';
import type { KafkaLogger } from '../logger.js';
import { getRetryTime } from '../retry.js';
import { BatchDispatcher, type BatchHandler } from './batch-dispatcher.js';
import type { Dispatcher } from './dispatch.js';
import { MessageDispatcher, type MessageHandler } from './message-dispatcher.js';
import { MessageChannel } from './message-channel.js';
import type { KafkaMessage } from '../message.js';
import { timedOut } from './deadline.js';
import { Initialiser } from '../initialiser.js';
import { connectWhenReachable } from '../reachability.js';
import { asAuthorizationError } from '../security/authorization.js';
import { AuthorizationStatus } from '../security/auth-status.js';
import type { KafkaAuthorizationError } from '../errors.js';
import { ConsumePipeline } from './pipeline.js';
import { ConsumerState, ConsumerStateMachine, consumerStateName, type StateListener } from './state.js';
import type { ConsumerTransport, TransportListener } from './transport.js';
import { checkHealthOf } from '../health/checker-of.js';
import type { HealthReport } from '../health/health-types.js';

/** Options of `close()`. */
export interface ConsumerCloseOptions {
  /** Longest time close may take, ms; past it close resolves and emits a KafkaTimeoutError. Default 30000. */
  readonly timeout?: number;
  /** Run in order after in-flight work drained and before the group is left (dp-kafka's OptFuncs). */
  readonly onClosing?: ReadonlyArray<() => void | Promise<void>>;
}

/** Default time limit of `close()`, ms. */
export const DEFAULT_CONSUMER_CLOSE_TIMEOUT = 30_000;

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
  readonly errors: ErrorStream;
  /** The pipeline (offset tracker, dispatcher); for layers built on this core. */
  protected readonly pipeline: ConsumePipeline;
  protected readonly logger: KafkaLogger;
  private readonly machine: ConsumerStateMachine;
  private readonly listener: TransportListener;
  private readonly initialiser: Initialiser;
  private readonly authorization: AuthorizationStatus;
  private wantRunning = false;
  private stopping: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartAttempt = 0;
  private unsubscribeLog: (() => void) | undefined;
  private channel: MessageChannel | undefined;

  constructor(config: ResolvedConsumerGroupConfig, protected readonly transport: ConsumerTransport, logger: KafkaLogger) {
    this.config = config;
    this.topics = config.topics;
    this.groupName = config.groupName;
    this.logger = logger;
    this.errors = new ErrorStream(logger);
    this.authorization = new AuthorizationStatus(this.errors);
    this.machine = new ConsumerStateMachine((error) =>
      this.emit(new KafkaOperationError('a state-change listener threw', this.logData(), error)),
    );
    this.pipeline = new ConsumePipeline({
      commitInterval: config.commitInterval,
      heartbeatInterval: config.heartbeatInterval,
      commit: (offsets) => this.transport.commit(offsets),
      emit: (error) => this.emit(error),
      logData: { group: config.groupName, topics: config.topics },
    });
    this.listener = {
      onBatch: (batch) => this.pipeline.handle(batch),
      onGroupJoin: (assignment) => this.onGroupJoin(assignment),
      onRebalancing: () => this.onRebalancing(),
      onCrash: (error) => this.onCrash(error),
    };
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
    setImmediate(() => this.initialiser.startBackground());
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

  /** Registers the single-message handler. A second handler of either kind throws {@link HandlerRegistrationError}. */
  registerHandler(handler: MessageHandler): void {
    this.checkHandler(handler);
    this.registerDispatcher(
      new MessageDispatcher({
        handler,
        numWorkers: this.config.numWorkers,
        tracker: this.pipeline.tracker,
        emit: (e) => this.emit(e),
        logData: this.logData(),
      }),
    );
  }

  /** Registers the batch handler. A second handler of either kind throws {@link HandlerRegistrationError}. */
  registerBatchHandler(handler: BatchHandler): void {
    this.checkHandler(handler);
    this.registerDispatcher(
      new BatchDispatcher({
        handler,
        batchSize: this.config.batchSize,
        batchWaitTime: this.config.batchWaitTime,
        tracker: this.pipeline.tracker,
        emit: (e) => this.emit(e),
        logData: this.logData(),
      }),
    );
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
    if (!this.channel) {
      const channel = new MessageChannel({
        capacity: Math.max(this.config.numWorkers, this.config.batchSize),
        tracker: this.pipeline.tracker,
        flushCommits: () => this.pipeline.flushCommits(),
      });
      this.registerDispatcher(channel);
      this.onStateChange((state) => channel.onGroupState(state));
      channel.onGroupState(this.state);
      this.channel = channel;
    }
    return this.channel;
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
      throw new HandlerRegistrationError('consumer group cannot start without a handler: call registerHandler, registerBatchHandler or messages() first', this.logData());
    }
    this.wantRunning = true;
    if (this.state === ConsumerState.Stopped) this.beginStart();
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
    const timeout = options.timeout ?? DEFAULT_CONSUMER_CLOSE_TIMEOUT;
    const stopping = this.stopping;
    this.wantRunning = false;
    this.machine.moveTo(ConsumerState.Closing);
    this.initialiser.cancel(new ConsumerStateError('consumer group is closing, it was not initialised', this.logData()));
    this.clearRestart();
    this.closing = (async () => {
      if (await timedOut(this.shutdown(stopping, options.onClosing ?? []), timeout)) {
        this.emit(new KafkaTimeoutError(`consumer group close did not finish within ${timeout} ms`, { ...this.logData(), timeout }));
      }
      this.pipeline.dispose();
      this.authorization.dispose();
      this.unsubscribeLog?.();
      this.errors.end(); // ends `for await` loops over the errors
    })();
    return this.closing;
  }

  /**
   * Health report (dp-kafka's `Checker`) with the group's state and lag per partition: WARNING
   * until initialised, then each broker probed. Cached for 1 s; never rejects. See README, Health.
   */
  checker(): Promise<HealthReport> {
    return checkHealthOf(this);
  }

  /** Writes every error of {@link errors} to the logger (once, however often it is called). */
  logErrors(): void {
    this.unsubscribeLog ??= this.errors.logTo(this.logger, 'kafka consumer group error', this.logData());
  }

  /** Installs a dispatcher (e.g. a channel-style API). Throws if a handler is already registered. */
  protected registerDispatcher(dispatcher: Dispatcher): void {
    if (this.pipeline.hasDispatcher) {
      throw new HandlerRegistrationError(
        'failed to register handler because a handler, batch handler or messages() reader had already been registered, only 1 allowed',
        this.logData(),
      );
    }
    this.pipeline.setDispatcher(dispatcher);
  }

  /** Context for logs and errors. */
  protected logData(): LogData {
    return { group: this.groupName, topics: this.topics, state: consumerStateName(this.state) };
  }

  /** Sends an error to {@link errors}. */
  protected emit(error: KafkaError): void {
    this.errors.emit(error);
  }

  private checkHandler(handler: unknown): void {
    if (typeof handler !== 'function') {
      throw new HandlerRegistrationError('handler must be a function', this.logData());
    }
  }

  /** The brokers were reached (close() has not begun: the initialiser is cancelled by then). */
  private onInitialised(): void {
    this.authorization.clear();
    this.logger.info('kafka consumer group has been initialised', this.logData());
    // Waiters are resolved after this returns, by which time the state is Stopped or Starting.
    if (this.wantRunning && this.pipeline.hasDispatcher) this.beginStart();
    else this.machine.moveTo(ConsumerState.Stopped);
  }

  /** Connected after close() began (and possibly after its disconnect): let go again. */
  private releaseLateConnection(): void {
    this.transport.disconnect().catch((error: unknown) =>
      this.emit(new KafkaOperationError('error disconnecting after a late connection', this.logData(), error)),
    );
  }

  private beginStart(): void {
    if (!this.machine.moveTo(ConsumerState.Starting)) return;
    this.restartAttempt = 0;
    this.pipeline.open();
    void this.runTransport();
  }

  private async runTransport(): Promise<void> {
    try {
      await this.transport.run(this.listener);
    } catch (error) {
      this.onCrash(error);
    }
  }

  private onGroupJoin(assignment: Readonly<Record<string, readonly number[]>>): void {
    if (this.state !== ConsumerState.Starting && this.state !== ConsumerState.Consuming) return;
    this.restartAttempt = 0;
    this.authorization.clear(); // joined: the group and its topics are allowed
    this.pipeline.onGroupJoin();
    this.machine.moveTo(ConsumerState.Consuming);
    this.logger.info('kafka consumer group joined', { ...this.logData(), assignment });
  }

  private onRebalancing(): void {
    if (this.state !== ConsumerState.Consuming && this.state !== ConsumerState.Starting) return;
    this.pipeline.onRebalancing();
    this.machine.moveTo(ConsumerState.Starting);
  }

  /** Consumption stopped on an error: back off with getRetryTime, then reconnect and run again. */
  private onCrash(error: unknown): void {
    if (this.state !== ConsumerState.Starting && this.state !== ConsumerState.Consuming) return;
    this.machine.moveTo(ConsumerState.Starting);
    const attempt = ++this.restartAttempt;
    const delay = getRetryTime(attempt, this.config.minRetryPeriod, this.config.maxRetryPeriod);
    // An ACL refusal becomes a KafkaAuthorizationError (health CRITICAL until the next join).
    const message = 'error consuming, will retry';
    const logData = { ...this.logData(), attempt, nextDelayMs: delay };
    this.emit(asAuthorizationError(error, message, logData) ?? new KafkaOperationError(message, logData, error));
    this.clearRestart();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state !== ConsumerState.Starting) return;
      this.pipeline.open();
      connectWhenReachable(this.transport.reachability, () => this.transport.connect()).then(
        () => this.afterReconnect(),
        (connectError: unknown) => this.onCrash(connectError),
      );
    }, delay);
  }

  private afterReconnect(): Promise<void> | undefined {
    if (this.state === ConsumerState.Starting) return this.runTransport();
    // close() may have disconnected before this connection completed: release it.
    if (this.state === ConsumerState.Closing) this.releaseLateConnection();
    return undefined;
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private beginStop(): void {
    if (!this.machine.moveTo(ConsumerState.Stopping)) return;
    this.clearRestart();
    this.stopping = (async () => {
      await this.pipeline.drain();
      try {
        await this.transport.stop();
      } catch (error) {
        this.emit(new KafkaOperationError('error stopping the consumer', this.logData(), error));
      }
      if (this.machine.moveTo(ConsumerState.Stopped)) {
        this.logger.info('kafka consumer group is stopped', this.logData());
        if (this.wantRunning) this.beginStart();
      }
    })().finally(() => (this.stopping = undefined));
  }

  private async shutdown(stopping: Promise<void> | undefined, hooks: ReadonlyArray<() => void | Promise<void>>): Promise<void> {
    if (stopping) await stopping;
    await this.pipeline.drain();
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        this.emit(new KafkaOperationError('an onClosing hook failed', this.logData(), error));
      }
    }
    try {
      await this.transport.disconnect();
    } catch (error) {
      this.emit(new KafkaOperationError('error closing the consumer group', this.logData(), error));
    }
    this.logger.info('successfully closed kafka consumer group', this.logData());
  }
}
