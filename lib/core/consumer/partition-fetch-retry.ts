import { KafkaOperationError, type KafkaError, type LogData } from '../errors.js';
import type { KafkaLogger } from '../logger.js';
import { getRetryTime } from '../retry.js';
import type { FetchStallWatch, PartitionRef } from './fetch-stall.js';
import type { PauseHolder, TopicPartitions } from './pause-set.js';

/** The pause holder of partitions whose fetch failed: neither the app's resume nor a seek lifts it. */
export const FETCH_FAILURE_PAUSE_HOLDER: PauseHolder = 'fetch-failure';

/** Options of a {@link PartitionFetchRetry}. */
export interface PartitionFetchRetryOptions {
  readonly watch: FetchStallWatch;
  readonly pauser: {
    pause(partitions: readonly TopicPartitions[], holder?: PauseHolder): void;
    resume(partitions: readonly TopicPartitions[], holder?: PauseHolder): void;
  };
  readonly minRetryPeriod: number;
  readonly maxRetryPeriod: number;
  readonly emit: (error: KafkaError) => void;
  readonly logger: KafkaLogger;
  readonly logData: () => LogData;
}

/**
 * Stops fetching a partition whose fetch failed while the others go on: pauses it under
 * {@link FETCH_FAILURE_PAUSE_HOLDER}, reports the failure once per episode and cause (a
 * `KafkaOperationError` on the group's errors; repeats are debug), and resumes it after a
 * `getRetryTime` pause that grows with each failure of the episode. A fetch that works ends the
 * episode ({@link fetched}), so the next failure starts the back-off afresh.
 */
export class PartitionFetchRetry {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: PartitionFetchRetryOptions) {}

  /** Fetching `partitions` failed with `error`: pause them and schedule their retry. */
  failed(partitions: readonly PartitionRef[], error: unknown): void {
    const { watch, pauser, logger } = this.options;
    for (const { topic, partition } of partitions) {
      const outcome = watch.partitionFailed(topic, partition, error);
      const delay = getRetryTime(outcome.failures, this.options.minRetryPeriod, this.options.maxRetryPeriod);
      const logData = {
        ...this.options.logData(),
        fetchFailure: 'partition',
        topic,
        partition,
        attempt: outcome.failures,
        nextDelayMs: delay,
        failingForMs: outcome.failingForMs,
      };
      pauser.pause([{ topic, partitions: [partition] }], FETCH_FAILURE_PAUSE_HOLDER);
      if (outcome.firstOfCause) {
        this.options.emit(
          new KafkaOperationError(
            `error fetching ${topic}/${partition}: paused it, the other partitions go on; will retry`,
            logData,
            error,
          ),
        );
      } else {
        logger.debug(`fetching ${topic}/${partition} failed again, will retry`, { ...logData, error: String(error) });
      }
      this.schedule(topic, partition, delay);
    }
  }

  /** A fetch of `partition` came back without error: its failure episode ends. */
  fetched(topic: string, partition: number): void {
    if (this.options.watch.partitionFetched(topic, partition)) {
      this.options.logger.info(`fetching ${topic}/${partition} works again`, { ...this.options.logData(), topic, partition });
    }
  }

  /** Drops every scheduled retry and lifts these pauses (stop or close: a new start tries them again). */
  clear(): void {
    for (const [id, timer] of this.timers) {
      clearTimeout(timer);
      const [topic, partition] = id.split('\u0000') as [string, string];
      this.options.pauser.resume([{ topic, partitions: [Number(partition)] }], FETCH_FAILURE_PAUSE_HOLDER);
    }
    this.timers.clear();
  }

  private schedule(topic: string, partition: number, delay: number): void {
    const id = `${topic}\u0000${partition}`;
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.options.pauser.resume([{ topic, partitions: [partition] }], FETCH_FAILURE_PAUSE_HOLDER);
    }, delay);
    timer.unref?.();
    this.timers.set(id, timer);
  }
}
