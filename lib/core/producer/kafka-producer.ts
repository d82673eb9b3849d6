import type { Kafka } from 'kafkajs';
import { encodeAvro, type AvroSchema } from '../avro.js';
import type { AvroValue } from '../avro-schema.js';
import { resolveProducerConfig, type ProducerConfig, type ResolvedProducerConfig } from '../config/producer.js';
import { ErrorHub } from '../error-stream.js';
import {
  describeCause,
  InvalidMessageError,
  KafkaError,
  NotTransactionalError,
  ProducerClosedError,
  ProducerNotInitialisedError,
  TransactionRequiredError,
  type KafkaAuthorizationError,
} from '../errors.js';
import type { KafkaLogger } from '../logger.js';
import { Initialiser } from '../initialiser.js';
import { toKafkaError } from '../security/authorization.js';
import { AuthorizationStatus } from '../security/auth-status.js';
import { ProducerHeaders, toJsonValue, toRecordValue, type AvroSendOptions, type SendOptions } from './record.js';
import { RegistrySends } from './registry-sends.js';
import { BatchDelivery } from './batch-delivery.js';
import { kafkaClientFor, kafkaJsProducerFor } from './kafkajs-producer.js';
import { closeTimeoutOf, flushAndDisconnect, type ProducerCloseOptions } from './close-sequence.js';
import { SendQueue, type SendReadiness } from './send-queue.js';
import type { ProducerSink } from './topic-batch-sender.js';
import {
  DEFAULT_OUTPUT_HIGH_WATER_MARK,
  OutputWritable,
  type OutputStreamOptions,
  type OutputTarget,
  type ProducerOutputStream,
} from './output-stream.js';
import type { ErrorStream } from '../error-stream.js';
import { ConfigChecker } from '../config/validate.js';
import { checkHealthOf, closeHealthCheckerOf } from '../health/checker-of.js';
import type { HealthReport } from '../health/health-types.js';
import { scheduleBackgroundStart } from '../background-start.js';
import { ProducerTelemetry } from '../telemetry/producer-telemetry.js';
import { KafkaJsTransactionalSink } from './kafkajs-transactional-sink.js';
import type { ProducerTransaction } from './producer-transaction.js';
import { TransactionRunner } from './transaction-runner.js';
import { isTransactionalSink } from './transactional-sink.js';

export type { SendOptions, AvroSendOptions } from './record.js';
export type { ProducerSink } from './topic-batch-sender.js';
export { PRODUCER_CLOSE_TIMEOUT_MS, type ProducerCloseOptions } from './close-sequence.js';

type ProducerState = 'initialising' | 'initialised' | 'closing' | 'closed';

const noop = (): void => {};

/**
 * The {@link KafkaProducer} implementation over any {@link ProducerSink} (a kafkajs producer, or
 * the test kit's in-memory sink). Internal: users hold the {@link KafkaProducer} interface.
 */
export class ProducerCore implements KafkaProducer {
  /** Topic this producer writes to. */
  readonly topic: string;
  /** The validated config with defaults filled in. */
  readonly config: Readonly<ResolvedProducerConfig>;
  /** Asynchronous failures (failed sends, rejected records, close problems). */
  readonly errors: ErrorHub;

  private readonly logger: KafkaLogger;
  private readonly kafka: Kafka;
  private readonly producer: ProducerSink;
  private readonly headers: ProducerHeaders;
  private readonly queue: SendQueue;
  private readonly delivery: BatchDelivery;
  private readonly initialiser: Initialiser;
  private readonly authorization: AuthorizationStatus;
  private readonly telemetry: ProducerTelemetry | undefined;
  /** Set on a transactional producer (`transactionalId`). */
  private readonly transactions: TransactionRunner | undefined;
  /** `send()` through the schema registry; undefined without `schemaRegistry` (plain Avro). */
  private readonly registrySends: RegistrySends | undefined;
  private state: ProducerState = 'initialising';
  private closing: Promise<void> | undefined;
  private stopLoggingErrors: (() => void) | undefined;

  /**
   * Validates `config` and starts connecting in the background. Never touches the network
   * synchronously and never fails because a broker is unreachable.
   *
   * @param sink - where batches go instead of a kafkajs producer (the test kit's seam); default:
   *   a kafkajs producer on `config.brokers`
   * @throws KafkaConfigError naming every invalid field
   */
  constructor(config: ProducerConfig, sink?: ProducerSink) {
    this.config = resolveProducerConfig(config);
    this.topic = this.config.topic;
    this.logger = this.config.logger;
    this.errors = new ErrorHub(this.logger);
    this.authorization = new AuthorizationStatus(this.errors);
    this.headers = new ProducerHeaders(this.config.requestId);
    this.kafka = kafkaClientFor(this.config);
    const { transactionalId } = this.config;
    this.producer =
      sink ??
      (transactionalId === undefined
        ? kafkaJsProducerFor(this.kafka, this.config)
        : new KafkaJsTransactionalSink(this.kafka, { ...this.config, transactionalId }));
    this.delivery = new BatchDelivery({
      sink: this.producer,
      settings: this.config,
      emit: (error) => this.errors.emit(error),
      onAccepted: () => this.authorization.clear(), // the broker accepted a request: the topic is allowed again
      onResend: (event) =>
        this.logger.warn(
          event.cause === undefined
            ? 'kafka producer resending records whose partition was not acknowledged'
            : 'kafka producer resending a batch whose request failed, until deliveryTimeoutMs',
          { ...event },
        ),
    });
    this.telemetry = ProducerTelemetry.create(this.topic, this.config, this.errors);
    this.queue = new SendQueue({
      telemetry: this.telemetry,
      topic: this.topic,
      config: this.config,
      headers: this.headers,
      readiness: () => this.readiness(),
      flush: (messages) => this.delivery.send(messages),
      emit: (error) => this.errors.emit(error),
    });
    this.transactions = transactionalId === undefined ? undefined : this.transactionRunner(transactionalId);
    const { schemaRegistry } = this.config;
    this.registrySends = schemaRegistry
      ? new RegistrySends({
          topic: this.topic,
          serializer: schemaRegistry,
          submit: (encode, options) => this.queue.submit(encode, options),
          fail: (error) => this.refuse(error),
        })
      : undefined;
    this.initialiser = new Initialiser({
      connect: () => this.producer.connect(),
      // An injected sink (the test kit's) has no brokers to probe.
      probe: sink ? undefined : { brokers: this.config.brokers, timeoutMs: this.config.connectionTimeout },
      describeFailure: (cause) => {
        const error = toKafkaError(cause, 'failed to initialise kafka producer', { topic: this.topic });
        this.authorization.record(error); // e.g. a refused TLS handshake: health is CRITICAL
        return error;
      },
      onConnected: () => {
        this.authorization.clear();
        this.state = 'initialised';
        this.logger.info('kafka producer initialised', { topic: this.topic });
      },
      // close() began while this attempt was running: undo the connection.
      onLateConnection: () => void this.producer.disconnect().catch(noop),
      minRetryPeriod: this.config.minRetryPeriod,
      maxRetryPeriod: this.config.maxRetryPeriod,
      onRetry: (error, attempt, nextDelayMs) =>
        this.logger.warn('error initialising kafka producer, will retry', {
          topic: this.topic,
          attempt,
          nextDelayMs,
          error: describeCause(error),
        }),
    });
    // Never touch the network inside the constructor: the first attempt runs on the next turn.
    scheduleBackgroundStart(() => this.initialiser.startBackground());
  }

  /**
   * The kafkajs client behind this producer, for health checks (same brokers, TLS and logger).
   * Not part of the stable API.
   *
   * @internal
   */
  get kafkaClient(): Kafka {
    return this.kafka;
  }

  /** True once connected, until `close()` begins. */
  isInitialised(): boolean {
    return this.state === 'initialised';
  }

  /**
   * The broker's refusal (ACL, SASL, TLS certificate) this producer last met, until a send or
   * connection succeeds again; while there is one, {@link checker} reports CRITICAL.
   */
  authorizationFailure(): KafkaAuthorizationError | undefined {
    return this.authorization.failure;
  }

  /** True once `close()` began. */
  isClosed(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  /**
   * Makes one connection attempt now (or joins the one in progress); resolves at once when already
   * initialised. A failed attempt rejects with {@link KafkaOperationError}, and the background
   * retries go on. Safe to leave unawaited.
   */
  initialise(): Promise<void> {
    const attempt = this.isClosed() ? Promise.reject(new ProducerClosedError(this.topic)) : this.initialiser.initialise();
    attempt.catch(noop);
    return attempt;
  }

  /** Resolves once initialised; rejects with {@link ProducerClosedError} if closed first. */
  waitUntilInitialised(): Promise<void> {
    const signal = this.initialiser.waitUntilDone();
    signal.catch(noop);
    return signal;
  }

  /**
   * Encodes `event` with the Avro `schema` and sends it. With a schema written `as const`, `event`
   * is type-checked against it ({@link AvroValue}); other schemas take any event. With a
   * `schemaRegistry` the record is written in the registry's framing (magic byte, schema id, Avro
   * body; see {@link AvroSendOptions} for `schemaId` and registry keys); the first send of a schema
   * asks the registry, later ones do not.
   *
   * @returns settles when the broker acknowledges the record. Rejects with {@link AvroCodecError}
   * (bad schema or event), {@link InvalidMessageError}, {@link MessageTooLargeError},
   * {@link ProducerNotInitialisedError}, {@link ProducerQueueFullError} or {@link ProducerClosedError} at once, and with
   * {@link ProducerSendError} when the broker finally refuses it. With a registry also with
   * `SchemaRegistrationError` (refused registration, naming the subject and the registry's message),
   * `SchemaRegistryUnavailableError` or `SchemaRegistryRequestError`. Safe to leave unawaited.
   */
  send<S extends AvroSchema, K extends AvroSchema | undefined = undefined>(
    schema: S,
    event: AvroValue<S>,
    options?: AvroSendOptions<K>,
  ): Promise<void> {
    const refused = this.refusedOutsideTransaction();
    if (refused) return refused;
    if (this.registrySends) return this.registrySends.send(schema, event, options);
    if (options !== undefined && (options.keySchema !== undefined || options.schemaId !== undefined || options.keySchemaId !== undefined)) {
      return this.refuse(new InvalidMessageError(this.topic, 'keySchema, schemaId and keySchemaId need a producer with a schemaRegistry'));
    }
    return this.queue.submit(() => encodeAvro(schema, event), options as SendOptions | undefined);
  }

  /** Sends raw bytes (a string is sent as UTF-8). Settles and fails like {@link send}. */
  sendBytes(value: Buffer | Uint8Array | string, options?: SendOptions): Promise<void> {
    return this.refusedOutsideTransaction() ?? this.queue.submit(() => toRecordValue(this.topic, value), options);
  }

  /** Sends the JSON text of `value`. Settles and fails like {@link send}. */
  sendJSON(value: unknown, options?: SendOptions): Promise<void> {
    return this.refusedOutsideTransaction() ?? this.queue.submit(() => toJsonValue(this.topic, value), options);
  }

  /**
   * Runs `work` in a transaction (a producer with `transactionalId` only; docs/exactly-once.md).
   * Commits once `work` resolved and every send of `tx` was acknowledged; aborts when `work`
   * throws (then rejects with its error) or a send of `tx` failed (then with that send's error).
   * One transaction at a time: a call made while one is open waits for it to end, in call order.
   *
   * @returns what `work` resolved with, once committed. Rejects with {@link NotTransactionalError}
   * (no `transactionalId`), {@link ProducerNotInitialisedError}, {@link ProducerClosedError},
   * {@link ProducerFencedError} (final: close this producer), {@link TransactionTimeoutError},
   * {@link TransactionCommitError} or {@link TransactionAbortError}.
   */
  transaction<T>(work: (tx: ProducerTransaction) => Promise<T> | T): Promise<T> {
    if (!this.transactions) return this.refuse(new NotTransactionalError(this.topic));
    const result = this.transactions.run(work);
    result.catch(noop);
    return result;
  }

  /**
   * dp-kafka's output channel as a Node `Writable` in object mode: write a `Buffer`, a string or
   * `{ key, value, headers, partition }`; records join the same batches as {@link send}.
   * `await pipeline(Readable.from(records), producer.output())` resolves once every record was
   * acknowledged, and rejects with the first failure. See {@link ProducerOutputStream}.
   * Its records never fail with {@link ProducerQueueFullError}: when `maxQueuedBytes` is reached a
   * record waits for acks to free room (so the stream's writes wait too), in write order.
   *
   * @throws KafkaConfigError when `highWaterMark` is not a positive integer
   */
  output(options: OutputStreamOptions = {}): ProducerOutputStream {
    if (this.config.transactionalId !== undefined) {
      throw new TransactionRequiredError(
        this.topic,
        this.config.transactionalId,
        'output() streams are not transactional; send with tx.send*()',
      );
    }
    const checker = new ConfigChecker();
    checker.knownKeys(options, ['highWaterMark']);
    checker.positive(options.highWaterMark, 'highWaterMark', { integer: true });
    checker.throwIfAny('producer output stream');
    const target: OutputTarget = {
      topic: this.topic,
      errors: this.errors,
      waitUntilInitialised: () => this.waitUntilInitialised(),
      sendBytes: (value, sendOptions) => this.queue.submit(() => toRecordValue(this.topic, value), sendOptions, 'wait'),
    };
    return new OutputWritable(target, options.highWaterMark ?? DEFAULT_OUTPUT_HIGH_WATER_MARK);
  }

  /**
   * Adds a header to every record sent from now on. An empty key is ignored; adding a key twice
   * sends it twice (as dp-kafka does).
   */
  addHeader(key: string, value: string): void {
    this.headers.add(key, value);
  }

  /**
   * Health report (dp-kafka's `Checker`): WARNING until initialised, then each broker probed for
   * the topic and judged against `minBrokersHealthy`. Cached for 1 s; never rejects. See README, Health.
   */
  checker(): Promise<HealthReport> {
    return checkHealthOf(this);
  }

  /**
   * Logs every error of {@link errors} with the configured logger, with the producer's topic.
   * Calling it again does nothing. Without it, and with no other subscriber, errors still reach
   * the logger through the stream's fallback.
   */
  logErrors(): void {
    this.stopLoggingErrors ??= this.errors.logTo(this.logger, 'received kafka producer error', () => ({ topic: this.topic }));
  }

  /**
   * Stops accepting sends, flushes what is queued (waiting at most `timeout`), stops the background
   * initialisation and disconnects. Records that could not be acknowledged in time are rejected
   * with {@link KafkaTimeoutError}, never dropped silently. Safe to call twice; never rejects
   * except for an invalid `timeout` ({@link KafkaConfigError}, nothing closed).
   */
  close(options: ProducerCloseOptions = {}): Promise<void> {
    let timeout: number;
    try {
      timeout = closeTimeoutOf(options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.closing ??= this.closeWithin(timeout);
    return this.closing;
  }

  private async closeWithin(timeout: number): Promise<void> {
    const wasInitialised = this.state === 'initialised';
    this.state = 'closing';
    this.initialiser.cancel(new ProducerClosedError(this.topic));
    await flushAndDisconnect(
      {
        topic: this.topic,
        wasInitialised,
        queue: this.queue,
        disconnect: () => this.delivery.disconnect(),
        emit: (error) => this.errors.emit(error),
      },
      timeout,
    );
    this.state = 'closed';
    await closeHealthCheckerOf(this);
    this.authorization.dispose();
    this.telemetry?.dispose();
    this.errors.end(); // ends `for await` loops over the errors
    this.logger.info('kafka producer closed', { topic: this.topic });
  }

  private transactionRunner(transactionalId: string): TransactionRunner {
    if (!isTransactionalSink(this.producer)) {
      throw new TypeError('a producer with transactionalId needs a sink that writes transactions');
    }
    return new TransactionRunner({
      topic: this.topic,
      transactionalId,
      transactionTimeoutMs: this.config.transactionTimeoutMs,
      sink: this.producer,
      submit: (encode, options) => this.queue.submit(encode, options),
      refusal: () => {
        if (this.isClosed()) return new ProducerClosedError(this.topic);
        return this.state === 'initialised' ? undefined : new ProducerNotInitialisedError(this.topic);
      },
      isClosed: () => this.isClosed(),
      emit: (error) => this.errors.emit(error),
      logger: this.logger,
    });
  }

  /** A transactional producer's refusal of a send made outside `transaction()`. */
  private refusedOutsideTransaction(): Promise<never> | undefined {
    const { transactionalId } = this.config;
    if (transactionalId === undefined) return undefined;
    return this.refuse(
      new TransactionRequiredError(
        this.topic,
        transactionalId,
        'sends must be made inside producer.transaction(async (tx) => ...) with tx.send*()',
      ),
    );
  }

  /** A send refused before the queue: reported on `errors` like every refusal, and rejected (already handled). */
  private refuse(error: KafkaError): Promise<never> {
    this.errors.emit(error);
    const refused = Promise.reject(error);
    refused.catch(noop);
    return refused;
  }

  private readiness(): SendReadiness {
    if (this.isClosed()) return 'closed';
    return this.state === 'initialised' ? 'ready' : 'not-initialised';
  }
}

/**
 * A producer for one topic with dp-kafka's guarantees on top of kafkajs.
 *
 * - Construction validates the config and never fails because the broker is down: the producer
 *   connects in the background, retrying on the `getRetryTime` schedule until it succeeds.
 * - Every `send*()` returns a promise that settles when the broker acknowledges the record or the
 *   send finally fails. Not awaiting it is safe (fire-and-forget): a failure never becomes an
 *   unhandled rejection, and every failure is also emitted on {@link KafkaProducer.errors}.
 * - Concurrent sends are coalesced into batches (linger window and byte cap), keeping the order of
 *   records per key and partition.
 * - Bytes queued or awaiting acks are capped by `maxQueuedBytes`: a send beyond it rejects at once
 *   with {@link ProducerQueueFullError}; {@link KafkaProducer.output} waits for room instead.
 *
 * This interface is what users hold (what `@InjectProducer()` injects, and what the test kit's
 * `InMemoryProducer` also is); build one with `new KafkaProducer(config)`.
 *
 * @example
 * ```ts
 * const producer = new KafkaProducer({ brokers: ['localhost:9092'], topic: 'orders' });
 * producer.logErrors();
 * await producer.sendJSON({ id: 'o-1' }, { key: 'o-1' }); // settles on the broker's ack
 * await producer.send(ORDER_SCHEMA, { id: 'o-1' });       // Avro, type-checked with an `as const` schema
 * await producer.close();
 * ```
 */
export interface KafkaProducer {
  /** Topic this producer writes to. */
  readonly topic: string;
  /** Asynchronous failures (failed sends, rejected records, close problems). */
  readonly errors: ErrorStream;
  /** True once connected, until `close()` begins. */
  isInitialised(): boolean;
  /**
   * The broker's refusal (ACL, SASL, TLS certificate) this producer last met, until a send or
   * connection succeeds again; while there is one, {@link KafkaProducer.checker} reports CRITICAL.
   */
  authorizationFailure(): KafkaAuthorizationError | undefined;
  /** True once `close()` began. */
  isClosed(): boolean;
  /**
   * Makes one connection attempt now (or joins the one in progress); resolves at once when already
   * initialised. A failed attempt rejects with {@link KafkaOperationError}, and the background
   * retries go on. Safe to leave unawaited.
   */
  initialise(): Promise<void>;
  /** Resolves once initialised; rejects with {@link ProducerClosedError} if closed first. */
  waitUntilInitialised(): Promise<void>;
  /**
   * Encodes `event` with the Avro `schema` and sends it. With a schema written `as const`, `event`
   * is type-checked against it ({@link AvroValue}); other schemas take any event. With a
   * `schemaRegistry` the record is written in the registry's framing (magic byte, schema id, Avro
   * body; see {@link AvroSendOptions} for `schemaId` and registry keys); the first send of a schema
   * asks the registry, later ones do not.
   *
   * @returns settles when the broker acknowledges the record. Rejects with {@link AvroCodecError}
   * (bad schema or event), {@link InvalidMessageError}, {@link MessageTooLargeError},
   * {@link ProducerNotInitialisedError}, {@link ProducerQueueFullError} or {@link ProducerClosedError} at once, and with
   * {@link ProducerSendError} when the broker finally refuses it. With a registry also with
   * `SchemaRegistrationError` (refused registration, naming the subject and the registry's message),
   * `SchemaRegistryUnavailableError` or `SchemaRegistryRequestError`. Safe to leave unawaited.
   */
  send<S extends AvroSchema, K extends AvroSchema | undefined = undefined>(
    schema: S,
    event: AvroValue<S>,
    options?: AvroSendOptions<K>,
  ): Promise<void>;
  /** Sends raw bytes (a string is sent as UTF-8). Settles and fails like {@link KafkaProducer.send}. */
  sendBytes(value: Buffer | Uint8Array | string, options?: SendOptions): Promise<void>;
  /** Sends the JSON text of `value`. Settles and fails like {@link KafkaProducer.send}. */
  sendJSON(value: unknown, options?: SendOptions): Promise<void>;
  /**
   * Runs `work` in a transaction (a producer with `transactionalId` only; docs/exactly-once.md).
   * Commits once `work` resolved and every send of `tx` was acknowledged; aborts when `work`
   * throws (then rejects with its error) or a send of `tx` failed (then with that send's error).
   * One transaction at a time: a call made while one is open waits for it to end, in call order.
   * On a transactional producer, `send*()` outside a transaction reject with
   * {@link TransactionRequiredError}.
   *
   * @returns what `work` resolved with, once committed. Rejects with {@link NotTransactionalError}
   * (no `transactionalId`), {@link ProducerNotInitialisedError}, {@link ProducerClosedError},
   * {@link ProducerFencedError} (final: close this producer), {@link TransactionTimeoutError},
   * {@link TransactionCommitError} or {@link TransactionAbortError}.
   */
  transaction<T>(work: (tx: ProducerTransaction) => Promise<T> | T): Promise<T>;
  /**
   * dp-kafka's output channel as a Node `Writable` in object mode: write a `Buffer`, a string or
   * `{ key, value, headers, partition }`; records join the same batches as {@link KafkaProducer.send}.
   * `await pipeline(Readable.from(records), producer.output())` resolves once every record was
   * acknowledged, and rejects with the first failure. See {@link ProducerOutputStream}.
   * Its records never fail with {@link ProducerQueueFullError}: when `maxQueuedBytes` is reached a
   * record waits for acks to free room (so the stream's writes wait too), in write order.
   *
   * @throws KafkaConfigError when `highWaterMark` is not a positive integer;
   *   {@link TransactionRequiredError} on a transactional producer
   */
  output(options?: OutputStreamOptions): ProducerOutputStream;
  /**
   * Adds a header to every record sent from now on. An empty key is ignored; adding a key twice
   * sends it twice (as dp-kafka does).
   */
  addHeader(key: string, value: string): void;
  /**
   * Health report (dp-kafka's `Checker`): WARNING until initialised, then each broker probed for
   * the topic and judged against `minBrokersHealthy`. Cached for 1 s; never rejects. See README, Health.
   */
  checker(): Promise<HealthReport>;
  /**
   * Logs every error of {@link KafkaProducer.errors} with the configured logger, with the
   * producer's topic. Calling it again does nothing. Without it, and with no other subscriber,
   * errors still reach the logger through the stream's fallback.
   */
  logErrors(): void;
  /**
   * Stops accepting sends, flushes what is queued (waiting at most `timeout`), stops the background
   * initialisation and disconnects. Records that could not be acknowledged in time are rejected
   * with {@link KafkaTimeoutError}, never dropped silently. Safe to call twice; never rejects
   * except for an invalid `timeout` ({@link KafkaConfigError}, nothing closed).
   */
  close(options?: ProducerCloseOptions): Promise<void>;
}

/** Creates a {@link KafkaProducer}: `new KafkaProducer(config)`. */
export const KafkaProducer: {
  /**
   * Validates `config` and starts connecting in the background. Never touches the network
   * synchronously and never fails because a broker is unreachable.
   *
   * @throws KafkaConfigError naming every invalid field
   */
  new (config: ProducerConfig): KafkaProducer;
  /** For `instanceof`. */
  readonly prototype: KafkaProducer;
} = ProducerCore;
