import type { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import type { KafkaMessage } from '../../../lib/core/message.js';

/**
 * Reads `count` messages from `messages` (a group's `messages()`), calling `act` on each, and
 * returns them. If fewer arrive within `timeoutMs` it stops the group, which ends the loop, and
 * returns what it got (the caller's assertions then fail with the real count).
 */
export async function readMessages(
  group: KafkaConsumerGroup,
  messages: AsyncIterable<KafkaMessage>,
  count: number,
  act: (message: KafkaMessage) => void | Promise<void>,
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  const seen: KafkaMessage[] = [];
  const timer = setTimeout(() => void group.stop(), timeoutMs);
  try {
    for await (const message of messages) {
      seen.push(message);
      await act(message);
      if (seen.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return seen;
}

/** Messages grouped by partition, in the order they were read. */
export function byPartition(messages: readonly KafkaMessage[]): Map<number, KafkaMessage[]> {
  const out = new Map<number, KafkaMessage[]>();
  for (const m of messages) out.set(m.partition, [...(out.get(m.partition) ?? []), m]);
  return out;
}
