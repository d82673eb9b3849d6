import { InvalidPartitionError, InvalidSeekError, UnknownTopicError, type LogData } from '../errors.js';
import type { TopicPartitions } from './pause-set.js';

/** Partitions of one topic as a consumer group reports them (assigned, revoked, paused). */
export interface AssignedPartitions {
  /** The topic. */
  readonly topic: string;
  /** Partition numbers, ascending. */
  readonly partitions: readonly number[];
}

/** Where a seek moves a partition's read position: exactly one of `offset`, `timestamp` or `to`. */
export type SeekPosition =
  /** The next record read is the one at this offset (a decimal string, or an integer >= 0). */
  | { readonly offset: string | number | bigint; readonly timestamp?: never; readonly to?: never }
  /** The first record whose timestamp is at or after this time (ms since the epoch, or a Date); the log end if none is. */
  | { readonly timestamp: number | Date; readonly offset?: never; readonly to?: never }
  /** The log start (oldest record still kept) or end (only records written from now on). */
  | { readonly to: 'beginning' | 'end'; readonly offset?: never; readonly timestamp?: never };

/** A seek of one partition, or of every partition of the topic assigned to this member when `partition` is absent. */
export type SeekRequest = { readonly topic: string; readonly partition?: number } & SeekPosition;

/** A validated {@link SeekPosition}. */
export type ResolvedSeekPosition =
  | { readonly kind: 'offset'; readonly offset: string }
  | { readonly kind: 'timestamp'; readonly timestamp: number }
  | { readonly kind: 'beginning' }
  | { readonly kind: 'end' };

/** A validated {@link SeekRequest}. */
export interface ValidSeek {
  readonly topic: string;
  readonly partition: number | undefined;
  readonly position: ResolvedSeekPosition;
}

const isPartitionNumber = (p: unknown): p is number => typeof p === 'number' && Number.isInteger(p) && p >= 0;

/**
 * Checks a pause/resume list against the group's topics; `undefined` means every topic. Throws
 * {@link UnknownTopicError} or {@link InvalidPartitionError}.
 */
export function checkTopicPartitions(
  targets: readonly TopicPartitions[] | undefined,
  topics: readonly string[],
  logData: LogData,
): TopicPartitions[] {
  if (targets === undefined) return topics.map((topic) => ({ topic }));
  if (!Array.isArray(targets)) {
    throw new InvalidPartitionError('expected a list of { topic, partitions? }', logData);
  }
  return targets.map((target: unknown, i) => {
    const { topic, partitions } = (typeof target === 'object' && target !== null ? target : {}) as Partial<TopicPartitions>;
    checkTopic(topic, topics, logData);
    if (partitions === undefined) return { topic };
    if (!Array.isArray(partitions) || !partitions.every(isPartitionNumber)) {
      throw new InvalidPartitionError(`entry ${i} (${topic}): partitions must be integers >= 0, got ${JSON.stringify(partitions)}`, {
        ...logData,
        topic,
      });
    }
    return { topic, partitions: [...new Set(partitions)].sort((a, b) => a - b) };
  });
}

/** Checks a seek request; throws {@link UnknownTopicError}, {@link InvalidPartitionError} or {@link InvalidSeekError}. */
export function checkSeekRequest(request: SeekRequest, topics: readonly string[], logData: LogData): ValidSeek {
  const r = (typeof request === 'object' && request !== null ? request : {}) as Partial<
    Record<'topic' | 'partition' | 'offset' | 'timestamp' | 'to', unknown>
  >;
  checkTopic(r.topic, topics, logData);
  const topic = r.topic;
  const at = { ...logData, topic, partition: r.partition as number | undefined };
  if (r.partition !== undefined && !isPartitionNumber(r.partition)) {
    throw new InvalidPartitionError(`seek: partition must be an integer >= 0, got ${show(r.partition)}`, at);
  }
  const given = (['offset', 'timestamp', 'to'] as const).filter((k) => r[k] !== undefined);
  if (given.length !== 1) {
    throw new InvalidSeekError(
      `seek needs exactly one of offset, timestamp or to; got ${given.length === 0 ? 'none' : given.join(', ')}`,
      at,
    );
  }
  return { topic, partition: r.partition, position: checkPosition(r, at) };
}

function checkPosition(r: Partial<Record<'offset' | 'timestamp' | 'to', unknown>>, at: LogData): ResolvedSeekPosition {
  if (r.offset !== undefined) {
    const offset = r.offset;
    let value: bigint | undefined;
    try {
      if (typeof offset === 'bigint') value = offset;
      else if (typeof offset === 'number' && Number.isSafeInteger(offset)) value = BigInt(offset);
      else if (typeof offset === 'string' && /^-?\d+$/.test(offset.trim())) value = BigInt(offset.trim());
    } catch {
      value = undefined;
    }
    if (value === undefined || value < 0n) {
      throw new InvalidSeekError(`seek: offset must be an integer >= 0, got ${show(offset)}`, at);
    }
    return { kind: 'offset', offset: value.toString() };
  }
  if (r.timestamp !== undefined) {
    const ms = r.timestamp instanceof Date ? r.timestamp.getTime() : r.timestamp;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new InvalidSeekError(`seek: timestamp must be a Date or ms since the epoch >= 0, got ${show(r.timestamp)}`, at);
    }
    return { kind: 'timestamp', timestamp: Math.floor(ms) };
  }
  if (r.to === 'beginning' || r.to === 'end') return { kind: r.to };
  throw new InvalidSeekError(`seek: to must be 'beginning' or 'end', got ${show(r.to)}`, at);
}

function checkTopic(topic: unknown, topics: readonly string[], logData: LogData): asserts topic is string {
  if (typeof topic !== 'string' || !topics.includes(topic)) {
    throw new UnknownTopicError(`topic ${JSON.stringify(topic)} is not consumed by this group (its topics: ${topics.join(', ')})`, {
      ...logData,
      topic: String(topic),
    });
  }
}

/** A value as an error message shows it. */
function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return value.toString();
  return JSON.stringify(value) ?? String(value);
}
