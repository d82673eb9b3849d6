import type { AvroSchema } from '../core/avro.js';
import { resolveProducerConfig, type ProducerConfig } from '../core/config/producer.js';
import { UnexpectedMessageError } from '../core/errors.js';
import type { KafkaMessage } from '../core/message.js';
import { ProducerCore, type KafkaProducer } from '../core/producer/kafka-producer.js';
import { InMemoryBroker } from './in-memory-broker.js';
import { DEFAULT_TEST_WAIT_TIMEOUT, IN_MEMORY_CONNECTION, resolveWithExtras } from './in-memory-config.js';
import { InMemoryProducerSink, type SentRecord } from './in-memory-producer-sink.js';
import { waitUntil } from './wait-until.js';

/** Settings of an {@link InMemoryProducer}: a producer config whose `brokers` are optional, plus the fake's own. */
export interface InMemoryProducerConfig extends Omit<ProducerConfig, 'brokers'> {
  /** Never dialled. Default `['in-memory:9092']`. */
  brokers?: string[];
  /** Where records go; share it with an `InMemoryConsumerGroup` to consume them. Default: a new broker. */
  broker?: InMemoryBroker;
  /** Partitions the topic has (created or grown to). Default: the broker's default, 1. */
  partitions?: number;
}

/** The {@link InMemoryProducer} implementation (internal: users hold the interface). */
export class InMemoryProducerCore extends ProducerCore implements InMemoryProducer {
  /** The broker records go to. */
  readonly broker: InMemoryBroker;
  private readonly sink: InMemoryProducerSink;
  /** How many records {@link waitForMessageSent} and friends have taken. */
  private cursor = 0;

  /** Validates `config` (one KafkaConfigError names every bad field) and initialises in the background. */
  constructor(config: InMemoryProducerConfig) {
    const { broker = new InMemoryBroker(), partitions, ...producerConfig } = config ?? ({} as InMemoryProducerConfig);
    const merged: ProducerConfig = { ...IN_MEMORY_CONNECTION, ...producerConfig };
    resolveWithExtras(
      'in-memory producer',
      () => resolveProducerConfig(merged),
      (checker) => {
        checker.positive(partitions, 'partitions', { integer: true });
        checker.require(broker instanceof InMemoryBroker, 'broker', 'must be an InMemoryBroker');
      },
    );
    if (partitions !== undefined) broker.createTopic(merged.topic, partitions);
    const sink = new InMemoryProducerSink(broker);
    super(merged, sink);
    this.broker = broker;
    this.sink = sink;
  }

  /**
   * Every record the broker accepted, raw and as read back, in order; with `transactionalId`,
   * records of aborted transactions too (`broker.messages(topic, undefined, 'read_committed')`
   * lists what a read_committed consumer reads).
   */
  get sent(): readonly SentRecord[] {
    return this.sink.sent;
  }

  /** The records sent, as a consumer reads them (`decode`, `json`, `getHeader`, `requestId`). */
  messages(): KafkaMessage[] {
    return this.sink.sent.map((s) => s.message);
  }

  /** Fails the next `count` records with `error` (a batch holding one fails as a whole); the send rejects with ProducerSendError. */
  failNextSends(count: number, error?: unknown): void {
    this.sink.failNext(count, error);
  }

  /** Fails every send with `error` until {@link stopFailing}. */
  failAllSends(error?: unknown): void {
    this.sink.failAlways(error);
  }

  /** Ends simulated send failures. */
  stopFailing(): void {
    this.sink.stopFailing();
  }

  /**
   * Simulates a newer producer with the same `transactionalId`: the open transaction is aborted,
   * and the next step of a transaction rejects with ProducerFencedError, as does every later one.
   */
  fence(): void {
    this.sink.fence();
  }

  /** Resolves with the first `count` records sent once there are that many; KafkaTimeoutError after `timeoutMs`. */
  async waitForMessages(count: number, timeoutMs: number = DEFAULT_TEST_WAIT_TIMEOUT): Promise<KafkaMessage[]> {
    await waitUntil(`${count} records sent to ${this.topic}`, () => this.sink.sent.length >= count, timeoutMs, {
      details: () => ({ topic: this.topic, sent: this.sink.sent.length }),
    });
    return this.messages().slice(0, count);
  }

  /**
   * Takes the next record not yet taken by a `waitFor…Sent` call and decodes it with the Avro
   * `schema` (dp-kafka's `WaitForMessageSent`). Rejects with KafkaTimeoutError when none comes in
   * `timeoutMs`, or AvroCodecError when it does not decode.
   */
  async waitForMessageSent<T = unknown>(schema: AvroSchema, timeoutMs: number = DEFAULT_TEST_WAIT_TIMEOUT): Promise<T> {
    return (await this.takeNext(timeoutMs)).decode<T>(schema);
  }

  /** Like {@link waitForMessageSent} for a JSON record. Rejects with MessageDecodeError when it is not JSON. */
  async waitForJSONMessageSent<T = unknown>(timeoutMs: number = DEFAULT_TEST_WAIT_TIMEOUT): Promise<T> {
    return (await this.takeNext(timeoutMs)).json<T>();
  }

  /** Resolves after `windowMs` if no record was sent meanwhile; rejects with UnexpectedMessageError at the first one. */
  async waitNoMessageSent(windowMs: number): Promise<void> {
    const before = this.sink.sent.length;
    const deadline = Date.now() + windowMs;
    await waitUntil('the quiet window', () => this.sink.sent.length > before || Date.now() >= deadline, windowMs + 1_000);
    if (this.sink.sent.length > before) {
      throw new UnexpectedMessageError(`a record was sent to ${this.topic} within the ${windowMs} ms window`, {
        topic: this.topic,
        windowMs,
        offset: this.sink.sent[before]!.message.offset,
      });
    }
  }

  private async takeNext(timeoutMs: number): Promise<KafkaMessage> {
    const index = this.cursor;
    await waitUntil(`a record sent to ${this.topic}`, () => this.sink.sent.length > index, timeoutMs, {
      details: () => ({ topic: this.topic, taken: index }),
    });
    this.cursor = Math.max(this.cursor, index + 1);
    return this.sink.sent[index]!.message;
  }
}

/**
 * A `KafkaProducer` for tests: the real producer (config validation, background initialisation,
 * Avro/JSON/bytes encoding, headers and request id, size check, batching, close) writing to an
 * in-memory broker instead of kafkajs. It records every record sent, can be told to fail, and
 * offers waits for what was sent. It initialises on its first attempt, a turn after construction:
 * await `waitUntilInitialised()` before sending, as with the real producer.
 *
 * @example
 * ```ts
 * const producer = new InMemoryProducer({ topic: 'orders' });
 * await producer.waitUntilInitialised();
 * await service.placeOrder(producer);
 * const order = await producer.waitForMessageSent<Order>(ORDER_SCHEMA);
 * ```
 */
export interface InMemoryProducer extends KafkaProducer {
  /** The broker records go to. */
  readonly broker: InMemoryBroker;
  /**
   * Every record the broker accepted, raw and as read back, in order; with `transactionalId`,
   * records of aborted transactions too (`broker.messages(topic, undefined, 'read_committed')`
   * lists what a read_committed consumer reads).
   */
  readonly sent: readonly SentRecord[];
  /** The records sent, as a consumer reads them (`decode`, `json`, `getHeader`, `requestId`). */
  messages(): KafkaMessage[];
  /** Fails the next `count` records with `error` (a batch holding one fails as a whole); the send rejects with ProducerSendError. */
  failNextSends(count: number, error?: unknown): void;
  /** Fails every send with `error` until {@link InMemoryProducer.stopFailing}. */
  failAllSends(error?: unknown): void;
  /** Ends simulated send failures. */
  stopFailing(): void;
  /**
   * Simulates a newer producer with the same `transactionalId`: the open transaction is aborted,
   * and the next step of a transaction rejects with ProducerFencedError, as does every later one.
   */
  fence(): void;
  /** Resolves with the first `count` records sent once there are that many; KafkaTimeoutError after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<KafkaMessage[]>;
  /**
   * Takes the next record not yet taken by a `waitFor…Sent` call and decodes it with the Avro
   * `schema` (dp-kafka's `WaitForMessageSent`). Rejects with KafkaTimeoutError when none comes in
   * `timeoutMs`, or AvroCodecError when it does not decode.
   */
  waitForMessageSent<T = unknown>(schema: AvroSchema, timeoutMs?: number): Promise<T>;
  /** Like {@link InMemoryProducer.waitForMessageSent} for a JSON record. Rejects with MessageDecodeError when it is not JSON. */
  waitForJSONMessageSent<T = unknown>(timeoutMs?: number): Promise<T>;
  /** Resolves after `windowMs` if no record was sent meanwhile; rejects with UnexpectedMessageError at the first one. */
  waitNoMessageSent(windowMs: number): Promise<void>;
}

/** Creates an {@link InMemoryProducer}: `new InMemoryProducer(config)`. */
export const InMemoryProducer: {
  /** Validates `config` (one KafkaConfigError names every bad field) and initialises in the background. */
  new (config: InMemoryProducerConfig): InMemoryProducer;
  /** For `instanceof`. */
  readonly prototype: InMemoryProducer;
} = InMemoryProducerCore;
