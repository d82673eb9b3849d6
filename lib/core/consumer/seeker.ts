import { setTimeout as sleep } from 'node:timers/promises';
import { getRetryTime } from '../retry.js';
import { KafkaOperationError, PartitionNotAssignedError, type KafkaError, type LogData } from '../errors.js';
import {
  checkSeekRequest,
  type AssignedPartitions,
  type ResolvedSeekPosition,
  type SeekRequest,
  type ValidSeek,
} from './partition-request.js';
import type { ConsumePipeline } from './pipeline.js';
import type { ConsumerTransport } from './transport.js';

/** Options of a {@link Seeker}. */
export interface SeekerOptions {
  readonly transport: ConsumerTransport;
  readonly pipeline: ConsumePipeline;
  readonly topics: readonly string[];
  /** The member's assignment while it consumes (joined, not rebalancing); `undefined` otherwise. */
  readonly assignment: () => readonly AssignedPartitions[] | undefined;
  readonly emit: (error: KafkaError) => void;
  readonly logData: () => LogData;
}

/**
 * Moves partitions' read positions. A seek pauses its partitions (a holder of its own, so the
 * app's pauses are untouched), waits for their in-flight messages and commits what finished,
 * resolves the target offset (timestamps, beginning and end through the transport's offset
 * reader), forgets the partitions' offset bookkeeping (nothing handled before the seek is
 * committed after it; commits restart from the new position, also backwards), moves the
 * position and resumes. Seeks asked for while the member holds no assignment are kept and
 * applied at the next group join, before the first fetch of the partitions they name.
 */
export class Seeker {
  private pending: ValidSeek[] = [];
  private seq = 0;

  constructor(private readonly options: SeekerOptions) {}

  /**
   * Validates `request`, then applies it now (the member consumes) or at the next join. Rejects
   * with {@link PartitionNotAssignedError} for a partition not assigned now, and with
   * {@link KafkaOperationError} when the target offset cannot be read.
   */
  async seek(request: SeekRequest): Promise<void> {
    const seek = checkSeekRequest(request, this.options.topics, this.options.logData());
    const assignment = this.options.assignment();
    if (assignment === undefined) {
      this.pending.push(seek);
      return;
    }
    const partitions = this.targets(seek, assignment);
    if (partitions === undefined) {
      throw new PartitionNotAssignedError(`seek: ${seek.topic}/${seek.partition} is not assigned to this member now`, {
        ...this.options.logData(),
        topic: seek.topic,
        partition: seek.partition,
        assignment: assignment.map((a) => `${a.topic}[${a.partitions.join(',')}]`),
      });
    }
    await this.apply(seek, partitions, this.holder(seek, partitions));
  }

  /**
   * The member joined: pauses the partitions of kept seeks at once (the transport calls this
   * before fetching), then applies them. A kept seek of a partition this join did not assign is
   * reported on the error stream and dropped.
   */
  onGroupJoin(assignment: readonly AssignedPartitions[]): void {
    const pending = this.pending;
    this.pending = [];
    for (const seek of pending) {
      const partitions = this.targets(seek, assignment);
      if (partitions === undefined) {
        this.options.emit(
          new PartitionNotAssignedError(
            `seek kept for the group join dropped: ${seek.topic}/${seek.partition} was not assigned to this member`,
            {
              ...this.options.logData(),
              topic: seek.topic,
              partition: seek.partition,
            },
          ),
        );
        continue;
      }
      const holder = this.holder(seek, partitions);
      this.apply(seek, partitions, holder).catch((error: unknown) =>
        this.options.emit(
          error instanceof KafkaOperationError
            ? error
            : new KafkaOperationError('seek at the group join failed', { ...this.options.logData(), topic: seek.topic }, error),
        ),
      );
    }
  }

  /** The partitions a seek applies to, or `undefined` when it names one that is not assigned. */
  private targets(seek: ValidSeek, assignment: readonly AssignedPartitions[]): number[] | undefined {
    const assigned = assignment.find((a) => a.topic === seek.topic)?.partitions ?? [];
    if (seek.partition === undefined) return [...assigned];
    return assigned.includes(seek.partition) ? [seek.partition] : undefined;
  }

  /** Pauses the seek's partitions under a holder of its own (synchronously) and returns it. */
  private holder(seek: ValidSeek, partitions: number[]): string {
    const holder = `seek#${++this.seq}`;
    if (partitions.length > 0) this.options.transport.pause([{ topic: seek.topic, partitions }], holder);
    return holder;
  }

  private async apply(seek: ValidSeek, partitions: number[], holder: string): Promise<void> {
    if (partitions.length === 0) return;
    const { transport, pipeline } = this.options;
    const { topic } = seek;
    try {
      await pipeline.settle(partitions.map((partition) => ({ topic, partition })));
      const offsets = await this.resolve(topic, partitions, seek.position);
      for (const partition of partitions) {
        const offset = offsets.get(partition);
        if (offset === undefined) continue; // the topic has no such partition (any more)
        pipeline.tracker.forget(topic, partition);
        transport.seek(topic, partition, offset);
      }
    } finally {
      transport.resume([{ topic, partitions }], holder);
    }
  }

  /**
   * The target offsets. A read refused with an error the client marks retriable (a leader that
   * moved, or one Kafka 4 names for a new topic before it serves it) is read again on a back-off
   * for up to {@link SEEK_OFFSETS_RETRY_MS}; kafkajs' admin gives up on those at once.
   */
  private async resolve(topic: string, partitions: number[], position: ResolvedSeekPosition): Promise<Map<number, string>> {
    if (position.kind === 'offset') return new Map(partitions.map((p) => [p, position.offset]));
    const deadline = Date.now() + SEEK_OFFSETS_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.readOffsets(topic, partitions, position);
      } catch (error) {
        if (isRetriable(error) && Date.now() < deadline) {
          await sleep(getRetryTime(attempt, SEEK_RETRY_MIN_MS, SEEK_RETRY_MAX_MS));
          continue;
        }
        throw new KafkaOperationError(
          `seek: could not read the offsets of ${topic} (${position.kind}); the position was not moved`,
          { ...this.options.logData(), topic, partitions },
          error,
        );
      }
    }
  }

  private async readOffsets(
    topic: string,
    partitions: number[],
    position: Exclude<ResolvedSeekPosition, { kind: 'offset' }>,
  ): Promise<Map<number, string>> {
    const { offsets } = this.options.transport;
    const found =
      position.kind === 'timestamp'
        ? await offsets.fetchTopicOffsetsByTimestamp(topic, position.timestamp)
        : (await offsets.fetchTopicOffsets(topic)).map((o) => ({
            partition: o.partition,
            offset: position.kind === 'beginning' ? o.low : o.high,
          }));
    return new Map(found.filter((o) => partitions.includes(o.partition)).map((o) => [o.partition, o.offset]));
  }
}

/** How long a seek keeps reading offsets refused with a retriable error. */
export const SEEK_OFFSETS_RETRY_MS = 10_000;
const SEEK_RETRY_MIN_MS = 100;
const SEEK_RETRY_MAX_MS = 1_000;

/** kafkajs marks errors that may pass on a retry (`retriable: true`). */
function isRetriable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}
