import { KafkaMessage } from '../core/message.js';
import { InvalidMessageError } from '../core/errors.js';
import { toStoredRecord, type TestRecordInput } from './test-record.js';

/** Default topic of {@link createTestMessage}. */
export const DEFAULT_TEST_TOPIC = 'test-topic';

/** Input of {@link createTestMessage}: a payload, record options and where the message "was read". */
export type TestMessageInput = TestRecordInput & {
  /** Default {@link DEFAULT_TEST_TOPIC}. */
  readonly topic?: string;
  /** Default 0. */
  readonly partition?: number;
  /** Default 0. */
  readonly offset?: number | string;
};

/**
 * Builds a real {@link KafkaMessage}, as a consumer group hands it to a handler, so `decode`,
 * `json`, `getHeader` and `requestId` behave exactly as in production. Use it to call a handler
 * directly in a unit test.
 *
 * @example
 * const message = createTestMessage({ schema: ORDER_SCHEMA, event: { id: 'o-1' }, requestId: 'req-1' });
 * await handler.onOrder(message.decode(ORDER_SCHEMA), 1, message);
 *
 * @throws InvalidMessageError for a bad key, header, payload, partition or offset; AvroCodecError
 *   when `event` does not fit `schema`
 */
export function createTestMessage(input: TestMessageInput): KafkaMessage {
  const topic = input?.topic ?? DEFAULT_TEST_TOPIC;
  const record = toStoredRecord(topic, input);
  return new KafkaMessage({
    ...record,
    topic,
    partition: checkedPartition(topic, input.partition ?? 0),
    offset: checkedOffset(topic, input.offset ?? 0),
  });
}

function checkedPartition(topic: string, partition: number): number {
  if (!Number.isInteger(partition) || partition < 0) {
    throw new InvalidMessageError(topic, `partition must be an integer >= 0, got ${String(partition)}`);
  }
  return partition;
}

function checkedOffset(topic: string, offset: number | string): string {
  const text = String(offset);
  if (!/^\d+$/.test(text)) throw new InvalidMessageError(topic, `offset must be an integer >= 0, got ${text}`);
  return text;
}
