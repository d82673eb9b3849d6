import { CompressionTypes, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import type { ProducerAcks, ProducerCompression } from '../config/producer.js';
import { InvalidMessageError, ProducerSendError, type KafkaError } from '../errors.js';
import { asAuthorizationError } from '../security/authorization.js';
import type { ItemFailures } from './send-batcher.js';

/**
 * The part of a kafkajs producer that `KafkaProducer` drives: connect, send a batch, disconnect.
 * The test kit passes an in-memory one so its producer runs this same code.
 */
export type ProducerSink = Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'>;

/** Delivery settings of every batch. */
export interface TopicBatchSettings {
  readonly topic: string;
  readonly acks: ProducerAcks;
  readonly requestTimeout: number;
  readonly compression: ProducerCompression;
}

/**
 * Sends one coalesced batch of a topic through kafkajs and turns the outcome into per-record
 * results. A failed request is emitted once (`ProducerSendError`) and rejects the whole batch.
 * kafkajs silently skips records whose explicit partition is not in the topic metadata and still
 * reports success, so those are found in the acks and failed one by one (`InvalidMessageError`).
 * A refusal by the broker's ACLs is a `KafkaAuthorizationError` instead of a `ProducerSendError`.
 */
export async function sendTopicBatch(
  sink: ProducerSink,
  settings: TopicBatchSettings,
  messages: Message[],
  emit: (error: KafkaError) => void,
): Promise<ItemFailures | undefined> {
  let acked: RecordMetadata[];
  try {
    acked = await sink.sendBatch({
      topicMessages: [{ topic: settings.topic, messages }],
      acks: settings.acks === 'all' ? -1 : settings.acks,
      timeout: settings.requestTimeout,
      compression: settings.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    });
  } catch (cause) {
    const error =
      asAuthorizationError(cause, `failed to send to topic ${settings.topic}`, { topic: settings.topic }) ??
      new ProducerSendError(settings.topic, cause);
    emit(error);
    throw error;
  }
  // With acks 0 there is no answer to check.
  return settings.acks === 0 ? undefined : unknownPartitionFailures(settings.topic, messages, acked, emit);
}

function unknownPartitionFailures(
  topic: string,
  messages: Message[],
  acked: RecordMetadata[],
  emit: (error: KafkaError) => void,
): ItemFailures | undefined {
  let failures: Map<number, unknown> | undefined;
  let ackedPartitions: Set<number> | undefined;
  const errorByPartition = new Map<number, InvalidMessageError>();
  messages.forEach((message, index) => {
    if (message.partition === undefined) return;
    ackedPartitions ??= new Set(acked.map((a) => a.partition));
    if (ackedPartitions.has(message.partition)) return;
    let error = errorByPartition.get(message.partition);
    if (!error) {
      error = new InvalidMessageError(topic, `partition ${message.partition} does not exist`);
      errorByPartition.set(message.partition, error);
      emit(error);
    }
    (failures ??= new Map()).set(index, error);
  });
  return failures;
}
