import type { ProducerConfig } from '../config/producer.js';
import { KafkaProducer } from '../producer/kafka-producer.js';
import type { SendOptions } from '../producer/record.js';
import { RequestClientClosedError } from './request-reply-errors.js';

/** The settings every topic's producer shares: a {@link ProducerConfig} without its topic. */
export type SharedProducerConfig = Omit<ProducerConfig, 'topic'>;

/** One record for {@link TopicProducers.send}. */
export interface TopicRecord {
  readonly value: Buffer | string | null;
  readonly key?: Buffer | string | null;
  readonly headers?: Readonly<Record<string, Buffer | string>>;
  readonly partition?: number;
}

/**
 * Sends to any topic through the module's {@link KafkaProducer}, which is bound to one topic: one
 * producer per topic, created on the first send to it (so its config is checked then) and kept
 * until {@link TopicProducers.close}. Request-reply needs this because the topics are only known
 * at run time (patterns, reply topics named by the requester).
 */
export class TopicProducers {
  private readonly producers = new Map<string, KafkaProducer>();
  private closing: Promise<void> | undefined;

  constructor(private readonly config: SharedProducerConfig) {}

  /** The producer of `topic`, created on first use. Throws the config error of a bad topic name. */
  producer(topic: string): KafkaProducer {
    if (this.closing) throw new RequestClientClosedError(`no producer for ${topic} after close()`);
    let producer = this.producers.get(topic);
    if (!producer) {
      producer = new KafkaProducer({ ...this.config, topic });
      this.producers.set(topic, producer);
    }
    return producer;
  }

  /** Sends one record to `topic`; settles on the broker's acknowledgement (the producer's own rules). */
  async send(topic: string, record: TopicRecord): Promise<void> {
    const producer = this.producer(topic);
    const options: SendOptions = {};
    if (record.key !== undefined && record.key !== null) options.key = record.key;
    if (record.headers) options.headers = { ...record.headers };
    if (record.partition !== undefined) options.partition = record.partition;
    if (!producer.isInitialised()) await producer.waitUntilInitialised();
    await producer.sendBytes(record.value ?? Buffer.alloc(0), options);
  }

  /** The producers created so far (for health). */
  all(): readonly KafkaProducer[] {
    return [...this.producers.values()];
  }

  /** Closes every producer (each flushes what it queued). Idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.all([...this.producers.values()].map((p) => p.close())).then(() => undefined);
    return this.closing;
  }
}
