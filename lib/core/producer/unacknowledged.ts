import type { Message, RecordMetadata } from 'kafkajs';

/**
 * Indices (ascending) of the `messages` whose partition no entry of `acked` acknowledges for
 * `topic`, or undefined when every one is covered. A message without a partition cannot be
 * matched and counts as covered (only a sink that does not report its placement leaves one).
 * Runs once per batch: one Set of the acked partitions, one lookup per record, and an array
 * only when something is missing.
 */
export function unacknowledged(topic: string, messages: readonly Message[], acked: readonly RecordMetadata[]): number[] | undefined {
  const ackedPartitions = new Set<number>();
  for (const entry of acked) {
    if (entry.topicName === topic && (entry.errorCode === 0 || entry.errorCode === undefined)) ackedPartitions.add(entry.partition);
  }
  let missing: number[] | undefined;
  for (let index = 0; index < messages.length; index++) {
    const partition = messages[index]!.partition;
    if (partition === undefined || partition === null || ackedPartitions.has(partition)) continue;
    (missing ??= []).push(index);
  }
  return missing;
}
