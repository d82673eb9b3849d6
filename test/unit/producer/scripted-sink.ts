/**
 * A scripted stand-in for kafkajs' producer under `sendTopicBatch`, for the unit tests of how a
 * batch's outcome is judged: acknowledgements matched to partitions, failed requests sent again.
 */
import { type Message, type PartitionMetadata, type ProducerBatch, type RecordMetadata } from 'kafkajs';
import { RecordingPartitioner } from '../../../lib/core/producer/recording-partitioner.js';
import type { KafkaError } from '../../../lib/core/errors.js';
import {
  sendTopicBatch,
  type ProducerSink,
  type ResendEvent,
  type TopicBatchSettings,
} from '../../../lib/core/producer/topic-batch-sender.js';

export const topic = 't';
export const PARTITIONS = 3;

/** What one sendBatch call answers: the partitions to acknowledge, or an error to throw. */
export type Answer = { ack: (partition: number) => boolean } | { fail: unknown };

/**
 * A sink that places records like kafkajs (explicit partition, else the recording partitioner
 * over `PARTITIONS` partitions), logs every call and answers from a script; once the script is
 * used up it acknowledges everything. `hold` keeps a call's answer back until `release`.
 */
export class ScriptedSink implements ProducerSink {
  readonly calls: Array<Array<{ value: string; partition: number }>> = [];
  readonly script: Answer[] = [];
  holdCall: number | undefined;
  private released: () => void = () => undefined;
  private readonly place = new RecordingPartitioner().createPartitioner();
  private readonly metadata: PartitionMetadata[] = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  partitionCount(): number {
    return PARTITIONS;
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const messages = batch.topicMessages![0]!.messages;
    for (const message of messages) this.place({ topic, partitionMetadata: this.metadata, message });
    const call = this.calls.push(messages.map((m) => ({ value: String(m.value), partition: m.partition! }))) - 1;
    if (call === this.holdCall) await new Promise<void>((resolve) => (this.released = resolve));
    const answer = this.script[call] ?? { ack: () => true };
    if ('fail' in answer) throw answer.fail;
    if (batch.acks === 0) return [];
    const partitions = [...new Set(messages.map((m) => m.partition!))].filter((p) => p < PARTITIONS && answer.ack(p));
    return partitions.map((partition) => ({ topicName: topic, partition, errorCode: 0, baseOffset: '0' }));
  }

  release(): void {
    this.released();
  }
}

/** Settings of the scripted tests: tiny pauses, and no sending again after a failed request unless a test asks. */
export const settings: TopicBatchSettings = {
  topic,
  acks: 'all',
  requestTimeout: 1000,
  compression: 'none',
  retryMax: 3,
  retryBackoff: 1,
  deliveryTimeoutMs: 0,
};

/** An answer that acknowledges every partition but `partition`. */
export const without = (partition: number): Answer => ({ ack: (p) => p !== partition });

/** Records with explicit partitions: `explicit(['a', 0], ['b', 1])`. */
export const explicit = (...spec: Array<[string, number]>): Message[] => spec.map(([value, partition]) => ({ value, partition }));

/** Runs `sendTopicBatch` over `sink` with {@link settings} and `overrides`, collecting what it emits and resends. */
export function run(sink: ProducerSink, messages: Message[], overrides: Partial<TopicBatchSettings> = {}) {
  const errors: KafkaError[] = [];
  const resends: ResendEvent[] = [];
  const result = sendTopicBatch(
    { sink, settings: { ...settings, ...overrides }, emit: (e) => errors.push(e), onResend: (e) => resends.push(e) },
    messages,
  );
  return { result, errors, resends };
}
