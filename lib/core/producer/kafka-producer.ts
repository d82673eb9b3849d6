import { Partitioners, type Kafka, type Message } from 'kafkajs';
import { encodeAvro, type AvroSchema } from '../avro.js';
import { createKafkaClient } from '../client.js';
import { resolveProducerConfig, type ProducerConfig, type ResolvedProducerConfig } from '../config/producer.js';
import { ErrorStream } from '../error-stream.js';
import {
  describeCause,
  InvalidMessageError,
  KafkaConfigError,
  KafkaError,
  KafkaOperationError,
  KafkaTimeoutError,
  MessageTooLargeError,
  ProducerClosedError,
  ProducerNotInitialisedError,
  ProducerQueueFullError,
} from '../errors.js';
import type { KafkaLogger } from '../logger.js';
import { Initialiser } from '../initialiser.js';
import { toKafkaError } from '../security/authorization.js';
import { AuthorizationStatus } from '../security/auth-status.js';
import type { KafkaAuthorizationError } from '../errors.js';
import { buildMessage, ProducerHeaders, toJsonValue, toRecordValue, type OutgoingMessage, type SendOptions } from './record.js';
import { estimateRecordSize } from './record-size.js';
import { outcomeWithin } from './outcome-within.js';
import { QueueBound } from './queue-bound.js';
import { SendBatcher, type ItemFailures } from './send-batcher.js';
import { sendTopicBatch, type ProducerSink } from './topic-batch-sender.js';
import { DEFAULT_OUTPUT_HIGH_WATER_MARK, ProducerOutputStream, type OutputStreamOptions, type OutputTarget } from './output-stream.js';
import { ConfigChecker } from '../config/validate.js';
import { checkHealthOf, closeHealthCheckerOf } from '../health/checker-of.js';
import type { HealthReport } from '../health/health-types.js';

export type { SendOptions } from './record.js';
export type { ProducerSink } from './topic-batch-sender.js';

/** How long `close()` waits for queued records to be acknowledged, by default, ms. */
export const PRODUCER_CLOSE_TIMEOUT_MS = 10_000;

/** How long `close()` waits for kafkajs to disconnect, ms. */
const DISCONNECT_TIMEOUT_MS = 5_000;

/** Options of {@link KafkaProducer.close}. */
export interface ProducerCloseOptions {
  /** Longest wait for queued and in-flight records, ms. Default {@link PRODUCER_CLOSE_TIMEOUT_MS}. */
  timeout?: number;
}

type ProducerState = 'initialising' | 'initialised' | 'closing' | 'closed';

/** What a send does when its record does not fit in `maxQueuedBytes`: fail at once, or wait for acks. */
type WhenQueueFull = 'reject' | 'wait';

const noop = (): void => {};

/**
 * A producer for one topic with dp-kafka's guarantees on top of kafkajs.
 *
 * - Construction validates the config and never fails because the broker is down: the producer
 *   connects in the background, retrying on the `getRetryTime` schedule until it succeeds.
 * - Every `send*()` returns a promise that settles when the broker acknowledges the record or the
 *   send finally fails. Not awaiting it is safe (fire-and-forget): a failure never becomes an
 *   unhandled rejection, and every failure is also emitted on {@link errors}.
 * - Concurrent sends are coalesced into batches (linger window and byte cap), keeping the order of
 *   records per key and partition.
 * - Bytes queued or awaiting acks are capped by `maxQueuedBytes`: a send beyond it rejects at once
 *   with {@link ProducerQueueFullError}; {@link output} waits for room instead.
 */
export class KafkaProducer {
  /** Topic this producer writes to. */
  readonly topic: string;
  /** The validated config with defaults filled in. */
  readonly config: Readonly<ResolvedProducerConfig>;
  /** Asynchronous failures (failed sends, rejected records, close problems). */
  readonly errors: ErrorStream;

  private readonly logger: KafkaLogger;
  private readonly kafka: Kafka;
  private readonly producer: ProducerSink;
  private readonly headers: ProducerHeaders;
  private readonly batcher: SendBatcher<Message>;
  private readonly bound: QueueBound;
  private readonly initialiser: Initialiser;
  private readonly authorization: AuthorizationStatus;
  private state: ProducerState = 'initialising';
  private closing: Promise<void> | undefined;
  private stopLoggingErrors: (() => void) | undefined;
  private disconnecting = false;

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
    this.errors = new ErrorStream(this.logger);
    this.authorization = new AuthorizationStatus(this.errors);
    this.headers = new ProducerHeaders(this.config.requestId);
    this.kafka = createKafkaClient(
      {
        brokers: [...this.config.brokers],
        clientId: this.config.clientId,
        security: this.config.security,
        kafkaJsLogLevel: this.config.kafkaJsLogLevel,
        connectionTimeout: this.config.connectionTimeout,
      },
      this.logger,
    );
    this.producer = sink ?? this.kafka.producer({
      // Java-compatible murmur2 on the key: records with one key stay on one partition, in order.
      // Passing it explicitly also silences kafkajs' partitioner-change warning.
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: this.config.idempotent,
      // kafkajs defaults differ from dp-kafka's (5 retries, 300 ms): set them explicitly.
      retry: { retries: this.config.retryMax, initialRetryTime: this.config.retryBackoff },
      allowAutoTopicCreation: true,
    });
    this.batcher = new SendBatcher<Message>({
      lingerMs: this.config.lingerMs,
      maxBatchBytes: this.config.maxBatchBytes,
      maxBatchItems: this.config.maxBatchRecords,
      maxInFlight: this.config.maxInFlightBatches,
      flush: (messages) => this.sendBatch(messages),
      onSettled: () => this.bound.release(),
    });
    this.bound = new QueueBound(this.config.maxQueuedBytes, () => this.batcher.pendingBytes);
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
    setImmediate(() => this.initialiser.startBackground());
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
   * Encodes `event` with the Avro `schema` and sends it.
   *
   * @returns settles when the broker acknowledges the record. Rejects with {@link AvroCodecError}
   * (bad schema or event), {@link InvalidMessageError}, {@link MessageTooLargeError},
   * {@link ProducerNotInitialisedError}, {@link ProducerQueueFullError} or {@link ProducerClosedError} at once, and with
   * {@link ProducerSendError} when the broker finally refuses it. Safe to leave unawaited.
   */
  send(schema: AvroSchema, event: unknown, options?: SendOptions): Promise<void> {
    return this.submit(() => encodeAvro(schema, event), options);
  }

  /** Sends raw bytes (a string is sent as UTF-8). Settles and fails like {@link send}. */
  sendBytes(value: Buffer | Uint8Array | string, options?: SendOptions): Promise<void> {
    return this.submit(() => toRecordValue(this.topic, value), options);
  }

  /** Sends the JSON text of `value`. Settles and fails like {@link send}. */
  sendJSON(value: unknown, options?: SendOptions): Promise<void> {
    return this.submit(() => toJsonValue(this.topic, value), options);
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
    const checker = new ConfigChecker();
    checker.positive(options.highWaterMark, 'highWaterMark', { integer: true });
    checker.throwIfAny('producer output stream');
    const target: OutputTarget = {
      topic: this.topic,
      errors: this.errors,
      waitUntilInitialised: () => this.waitUntilInitialised(),
      sendBytes: (value, sendOptions) => this.submit(() => toRecordValue(this.topic, value), sendOptions, 'wait'),
    };
    return new ProducerOutputStream(target, options.highWaterMark ?? DEFAULT_OUTPUT_HIGH_WATER_MARK);
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

  /** Logs every error of {@link errors} with the configured logger. Calling it again does nothing. */
  logErrors(): void {
    this.stopLoggingErrors ??= this.errors.logTo(this.logger, 'received kafka producer error', { topic: this.topic });
  }

  /**
   * Stops accepting sends, flushes what is queued (waiting at most `timeout`), stops the background
   * initialisation and disconnects. Records that could not be acknowledged in time are rejected
   * with {@link KafkaTimeoutError}, never dropped silently. Safe to call twice; never rejects
   * except for an invalid `timeout` ({@link KafkaConfigError}, nothing closed).
   */
  close(options: ProducerCloseOptions = {}): Promise<void> {
    const timeout = options.timeout ?? PRODUCER_CLOSE_TIMEOUT_MS;
    if (!(typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 0)) {
      return Promise.reject(new KafkaConfigError('producer close', [{ field: 'timeout', problem: 'must be a number >= 0' }]));
    }
    this.closing ??= this.closeWithin(timeout);
    return this.closing;
  }

  private async closeWithin(timeout: number): Promise<void> {
    const wasInitialised = this.state === 'initialised';
    this.state = 'closing';
    this.initialiser.cancel(new ProducerClosedError(this.topic));
    if (wasInitialised && (await outcomeWithin(this.batcher.drain(), timeout)) === 'timeout') {
      const error = new KafkaTimeoutError(
        `kafka producer for topic ${this.topic} could not get its queued records acknowledged within ${timeout} ms of close`,
        { topic: this.topic, timeoutMs: timeout },
      );
      // Waiters first: aborting the batcher must not admit them into a dead queue.
      if (this.bound.rejectAll(error) + this.batcher.abort(error) > 0) this.errors.emit(error);
    }
    // Normally none are left (the drain admits them all); never drop one silently.
    const stranded = new ProducerClosedError(this.topic);
    if (this.bound.rejectAll(stranded) > 0) this.errors.emit(stranded);
    this.disconnecting = true;
    const disconnected = await outcomeWithin(this.producer.disconnect(), DISCONNECT_TIMEOUT_MS);
    if (disconnected !== 'ok') {
      const cause = disconnected === 'timeout' ? `disconnect took longer than ${DISCONNECT_TIMEOUT_MS} ms` : disconnected.error;
      this.errors.emit(new KafkaOperationError('error closing kafka producer', { topic: this.topic }, cause));
    }
    this.state = 'closed';
    await closeHealthCheckerOf(this);
    this.authorization.dispose();
    this.errors.end(); // ends `for await` loops over the errors
    this.logger.info('kafka producer closed', { topic: this.topic });
  }

  private submit(encode: () => Buffer | string, options: SendOptions | undefined, whenFull: WhenQueueFull = 'reject'): Promise<void> {
    const result = this.enqueue(encode, options, whenFull);
    result.catch(noop); // fire-and-forget callers: the failure is on `errors`, never unhandled
    return result;
  }

  private enqueue(encode: () => Buffer | string, options: SendOptions | undefined, whenFull: WhenQueueFull): Promise<void> {
    if (this.isClosed()) return this.fail(new ProducerClosedError(this.topic));
    let message: OutgoingMessage;
    let size: number;
    try {
      message = buildMessage(this.topic, encode(), options, this.headers);
      size = estimateRecordSize(message.value, message.key, undefined) + this.headers.sizeOf(message.headers);
    } catch (error) {
      return this.fail(error instanceof KafkaError ? error : new InvalidMessageError(this.topic, describeCause(error), error));
    }
    if (size > this.config.maxMessageBytes) {
      return this.fail(new MessageTooLargeError(this.topic, size, this.config.maxMessageBytes));
    }
    if (this.state !== 'initialised') return this.fail(new ProducerNotInitialisedError(this.topic));
    if (whenFull === 'wait' && (this.bound.hasWaiters || !this.bound.fits(size))) {
      // Admitted even while close() drains: the write was accepted before close began.
      return this.bound.whenRoomFor(size, () => this.batcher.add(message, size));
    }
    if (!this.bound.fits(size)) {
      return this.fail(new ProducerQueueFullError(this.topic, this.bound.usedBytes, this.bound.maxBytes, size));
    }
    return this.batcher.add(message, size);
  }

  private fail(error: KafkaError): Promise<never> {
    this.errors.emit(error);
    return Promise.reject(error);
  }

  private async sendBatch(messages: Message[]): Promise<ItemFailures | undefined> {
    try {
      const failures = await sendTopicBatch(this.producer, this.config, messages, (error) => this.errors.emit(error));
      this.authorization.clear(); // the broker accepted a request: the topic is allowed again
      return failures;
    } finally {
      // A batch abandoned by a timed-out close() can outlive the disconnect, and kafkajs reconnects
      // to retry it: disconnect again so close() leaves no connection behind.
      if (this.disconnecting) this.producer.disconnect().catch(noop);
    }
  }
}
