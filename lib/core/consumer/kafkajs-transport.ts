import type { Consumer, ConsumerCrashEvent, ConsumerGroupJoinEvent, EachBatchPayload, Kafka } from 'kafkajs';
import { createKafkaClient, settleTransientKafkaJsErrors } from '../client.js';
import { fetchFailedPartitions, installKafkaJsFetchAttribution } from './kafkajs-fetch-attribution.js';
import { partitionConcurrency, type ResolvedConsumerGroupConfig } from '../config/consumer.js';
import type { KafkaLogger } from '../logger.js';
import type { ReachabilityProbe } from '../reachability.js';
import { KafkaMessage } from '../message.js';
import type { PartitionOffset } from './offset-tracker.js';
import type { ConsumerTransport, PartitionBatch, TransportListener } from './transport.js';
import { KafkaJsOffsetReader } from './kafkajs-offset-reader.js';
import { assignmentToList, PauseSet, type PauseHolder, type TopicPartitions } from './pause-set.js';
import { installKafkaJsStopGuard } from './kafkajs-stop-guard.js';
import { installKafkaJsRejoinHook, registerRejoinHook } from './kafkajs-rejoin-hook.js';
import { ensureFailureTopics } from './retry-topics/failure-topics-check.js';
import { groupRetryTopics, type FailureTopicPolicy } from './retry-topics/retry-topic-names.js';
import { COMMIT_RETRY_DEFAULTS, commitWithRetry } from './commit-retry.js';
import {
  isCoordinatorError,
  isKafkaJsCoordinatorHolder,
  refreshKafkaJsCoordinator,
  type KafkaJsCoordinatorHolder,
} from './kafkajs-coordinator.js';

/** kafkajs' rebalance time limit; also its default (and sarama's). */
export const REBALANCE_TIMEOUT = 60_000;

/**
 * Longest a member holds back its JoinGroup for running handlers to finish and their offsets to
 * be committed: well under {@link REBALANCE_TIMEOUT}, as the rest of the group waits for it.
 */
export const REJOIN_COMMIT_TIMEOUT = 20_000;

/** Error types kafkajs reports while the group is rebalancing or has moved on without us. */
const REBALANCE_ERROR_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/**
 * kafkajs `maxBytesPerPartition` with `ordering` 'key' or 'none' (kafkajs' default is 1 MiB):
 * about 2,600 records of 100 B per partition per fetch, plenty for handlers that wait on I/O.
 */
export const PARALLEL_FETCH_BYTES_PER_PARTITION = 256 * 1024;

/**
 * {@link ConsumerTransport} over a kafkajs consumer: `eachBatch` with auto-commit and
 * auto-resolve off, so the core decides what is committed; kafkajs never restarts itself after a
 * crash (the core backs off with `getRetryTime` and keeps its state machine true).
 */
export class KafkaJsConsumerTransport implements ConsumerTransport {
  /** The kafkajs client (the health layer probes brokers through it). */
  readonly client: Kafka;
  /** The kafkajs consumer. */
  readonly consumer: Consumer;
  /** The configured brokers, probed before each connect. */
  readonly reachability: ReachabilityProbe;
  /** Committed offsets, log ends and offsets by timestamp, through an admin client opened on first use. */
  readonly offsets: KafkaJsOffsetReader;
  private listener: TransportListener | undefined;
  private subscribed = false;
  private running: Promise<void> | undefined;
  /** Commits through the running consumer group directly: unlike `consumer.commitOffsets`, it also works while kafkajs is stopping. */
  private committer: EachBatchPayload['commitOffsetsIfNecessary'] | undefined;
  /** The core's answer to the last REBALANCING event: the hand-over kafkajs waits for before rejoining. */
  private revoking: Promise<void> | undefined;
  /** kafkajs' internal consumer group of the current run: where the coordinator is re-found. */
  private group: KafkaJsCoordinatorHolder | undefined;
  /** The coordinator search under way (commits and heartbeats that fail together share it). */
  private refreshing: Promise<void> | undefined;
  /** The handler's failure policy: its retry topics are consumed too. */
  private failurePolicy: FailureTopicPolicy;
  /** Paused partitions per holder: ours, applied to kafkajs on every change, join and run. */
  private readonly pauses = new PauseSet();
  /** The partitions of the last group join. */
  private assigned: TopicPartitions[] = [];

  constructor(
    private readonly config: ResolvedConsumerGroupConfig,
    private readonly logger: KafkaLogger,
  ) {
    // Without it, a stop() racing a broker-set change can block the event loop for good.
    installKafkaJsStopGuard();
    // Without it, a commit started on REBALANCING races the rejoin and can be refused.
    installKafkaJsRejoinHook();
    // Without it, one partition's failed fetch stops every partition of the member (see that file).
    installKafkaJsFetchAttribution();
    this.failurePolicy = config.failurePolicy;
    this.reachability = { brokers: config.brokers.map((b) => b.trim()), timeoutMs: config.connectionTimeout };
    this.client = createKafkaClient(config, logger);
    this.offsets = new KafkaJsOffsetReader(this.client);
    this.consumer = this.client.consumer({
      groupId: config.groupName,
      sessionTimeout: config.messageConsumeTimeout,
      heartbeatInterval: config.heartbeatInterval,
      rebalanceTimeout: REBALANCE_TIMEOUT,
      maxWaitTimeInMs: config.fetchMaxWaitTime,
      readUncommitted: config.isolation === 'read_uncommitted',
      retry: { restartOnFailure: async () => false },
      // A parallel ordering buffers at most a few thousand records, and kafkajs decodes a whole fetch
      // at once: smaller fetches keep memory flat on a backlog (a larger first record still comes).
      ...(config.ordering === 'partition' ? {} : { maxBytesPerPartition: PARALLEL_FETCH_BYTES_PER_PARTITION }),
    });
    const { GROUP_JOIN, REBALANCING, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (event: ConsumerGroupJoinEvent) => {
      this.revoking = undefined;
      // Emitted synchronously after the assignment and before the first fetch of the generation.
      this.assigned = assignmentToList(event.payload.memberAssignment);
      this.applyPauses();
      // The group formed: rebalance and coordinator errors logged so far belong to an episode that ended.
      settleTransientKafkaJsErrors(this.client);
      this.listener?.onGroupJoin(event.payload.memberAssignment);
    });
    // kafkajs emits it synchronously just before it rejoins; the rejoin hook then waits for the answer.
    this.consumer.on(REBALANCING, () => {
      this.revoking = this.listener?.onRebalancing();
    });
    this.consumer.on(CRASH, (event: ConsumerCrashEvent) => {
      this.committer = undefined;
      this.group = undefined;
      if (!event.payload.restart) this.listener?.onCrash(event.payload.error);
    });
  }

  connect(): Promise<void> {
    return this.consumer.connect();
  }

  useFailurePolicy(policy: FailureTopicPolicy): void {
    this.failurePolicy = policy;
  }

  run(listener: TransportListener): Promise<void> {
    this.listener = listener;
    this.committer = undefined;
    this.group = undefined;
    this.revoking = undefined;
    // Set synchronously so that a stop() arriving during subscribe or the group join waits for it.
    this.running = this.subscribeAndRun(listener);
    return this.running;
  }

  private async subscribeAndRun(listener: TransportListener): Promise<void> {
    if (!this.subscribed) {
      // Before subscribing: a retry or dead-letter topic that cannot exist stops the run here (reported, retried).
      const failureSource = { topics: this.config.topics, failurePolicy: this.failurePolicy };
      await ensureFailureTopics(this.client, failureSource, this.logger, { group: this.config.groupName, topics: this.config.topics });
      await this.consumer.subscribe({ topics: [...this.config.topics], fromBeginning: this.config.offset === 'oldest' });
      // kafkajs keeps fromBeginning per topic: retry topics start at their beginning (never skip a retry).
      const retryTopics = groupRetryTopics(failureSource);
      if (retryTopics.length > 0) await this.consumer.subscribe({ topics: retryTopics, fromBeginning: true });
      this.subscribed = true;
    }
    const eachBatch = (payload: EachBatchPayload) => this.onEachBatch(payload, listener);
    registerRejoinHook(eachBatch, {
      beforeRejoin: () => this.beforeRejoin(listener),
      timeoutMs: REJOIN_COMMIT_TIMEOUT,
      heartbeatIntervalMs: this.config.heartbeatInterval,
      onFailure: (outcome) =>
        this.logger.warn(
          'giving up the partitions (rejoin or crash) while handlers still run: what they finish now is not committed and goes to the next owner again',
          {
            group: this.config.groupName,
            topics: this.config.topics,
            ...(outcome === 'timeout' ? { timeoutMs: REJOIN_COMMIT_TIMEOUT } : { error: String(outcome.error) }),
          },
        ),
      onRunnerStart: (group) => {
        this.group = isKafkaJsCoordinatorHolder(group) ? group : undefined;
        if (this.group) this.refreshCoordinatorOnFailedHeartbeat(this.group);
        if (this.group) this.isolateFailedPartitions(this.group, listener);
        // A new run has a new kafkajs consumer group, which knows nothing of earlier pauses.
        this.applyPauses();
      },
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: partitionConcurrency(this.config),
      eachBatch,
    });
  }

  /**
   * Runs before the member rejoins while it still holds its generation. Usually REBALANCING was
   * just emitted and the core is already handing over; a rejoin without it (kafkajs resyncs after
   * stale metadata) gives the partitions up all the same, so the core is told now.
   */
  private beforeRejoin(listener: TransportListener): Promise<void> {
    const revoking = this.revoking ?? listener.onRebalancing();
    this.revoking = undefined;
    return revoking;
  }

  /**
   * Commits for the current generation. When the coordinator moved or its broker stopped (a rolling
   * restart), the coordinator is found again and the same commit retried for up to
   * {@link COMMIT_RETRY_DEFAULTS}.timeoutMs; "the group moved on" errors reject at once.
   */
  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    await commitWithRetry(() => this.commitOnce(offsets), {
      ...COMMIT_RETRY_DEFAULTS,
      classify: (error) => (isCoordinatorError(error) && this.group ? 'coordinator' : 'final'),
      refreshCoordinator: () => this.refreshCoordinator(),
      onRetry: (error, attempt) =>
        this.logger.debug('commit met a moved or stopped group coordinator: finding it again and retrying', {
          group: this.config.groupName,
          attempt,
          error: error instanceof Error ? error.message : String(error),
        }),
    });
  }

  /** Re-finds the group coordinator (one search at a time); a no-op before the run's group is known. */
  private refreshCoordinator(): Promise<void> {
    const group = this.group;
    if (!group) return Promise.resolve();
    this.refreshing ??= refreshKafkaJsCoordinator(group).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * kafkajs' own heartbeats (between batches) also go to the coordinator of the last join; when
   * that broker stopped they fail until kafkajs gives up and crashes the consumer. Re-finding the
   * coordinator on such a failure lets kafkajs' next attempt reach the new one.
   */
  private refreshCoordinatorOnFailedHeartbeat(group: KafkaJsCoordinatorHolder & { heartbeat?: unknown }): void {
    const heartbeat = group.heartbeat;
    if (typeof heartbeat !== 'function') return;
    group.heartbeat = async (...args: unknown[]): Promise<unknown> => {
      try {
        return await (heartbeat as (...a: unknown[]) => Promise<unknown>).apply(group, args);
      } catch (error) {
        if (isCoordinatorError(error) && !isRebalanceError(error)) await this.refreshCoordinator().catch(() => undefined);
        throw error;
      }
    };
  }

  /**
   * Wraps the run's `fetch(nodeId)` (kafkajs' consumer group): an error naming the partitions it
   * is about (see kafkajs-fetch-attribution.ts) is reported to the core, which pauses those
   * partitions before this returns; the fetch then counts as empty, so kafkajs' fetcher goes on
   * with the other partitions instead of stopping every fetcher and crashing after its retries.
   * A fetch that comes back reports the partitions it returned. Errors naming no partition go on
   * to kafkajs as before (the whole fetch loop fails and the core backs off).
   */
  private isolateFailedPartitions(group: KafkaJsCoordinatorHolder & { fetch?: unknown }, listener: TransportListener): void {
    const fetch = group.fetch;
    if (typeof fetch !== 'function') return;
    group.fetch = async (...args: unknown[]): Promise<unknown> => {
      let batches: unknown;
      try {
        batches = await (fetch as (...a: unknown[]) => Promise<unknown>).apply(group, args);
      } catch (error) {
        const failed = fetchFailedPartitions(error);
        if (!failed) throw error;
        listener.onFetchFailed(failed, error);
        return [];
      }
      if (Array.isArray(batches) && batches.length > 0) {
        settleTransientKafkaJsErrors(this.client);
        listener.onFetched((batches as Array<{ topic: string; partition: number }>).map(({ topic, partition }) => ({ topic, partition })));
      }
      return batches;
    };
  }

  private async commitOnce(offsets: readonly PartitionOffset[]): Promise<void> {
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const o of offsets) {
      const list = byTopic.get(o.topic) ?? [];
      list.push({ partition: o.partition, offset: o.offset });
      byTopic.set(o.topic, list);
    }
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    if (this.committer) await this.committer({ topics });
    else await this.consumer.commitOffsets(offsets.map((o) => ({ ...o })));
  }

  pause(partitions: readonly TopicPartitions[], holder?: PauseHolder): void {
    this.pauses.pause(partitions, holder);
    this.applyPauses();
  }

  resume(partitions: readonly TopicPartitions[], holder?: PauseHolder): void {
    this.pauses.resume(partitions, holder);
    this.applyPauses();
  }

  isPaused(topic: string, partition: number, holder?: PauseHolder): boolean {
    return this.pauses.isPaused(topic, partition, holder);
  }

  seek(topic: string, partition: number, offset: string): void {
    if (!this.assigned.some((t) => t.topic === topic && t.partitions?.includes(partition))) return;
    try {
      this.consumer.seek({ topic, partition, offset });
    } catch (error) {
      // Only before the first run (no kafkajs consumer group): nothing is assigned then.
      this.logger.debug('seek ignored: kafkajs has no running consumer group', { topic, partition, offset, error: String(error) });
    }
  }

  /**
   * Makes kafkajs' own pause state (per run, per assigned partition) match ours: kafkajs keeps it
   * in the consumer group object of a run, which a crash and restart replace.
   */
  private applyPauses(): void {
    const paused: TopicPartitions[] = [];
    const active: TopicPartitions[] = [];
    for (const { topic, partitions = [] } of this.assigned) {
      const held = partitions.filter((p) => this.pauses.isPaused(topic, p));
      if (held.length > 0) paused.push({ topic, partitions: held });
      const free = partitions.filter((p) => !this.pauses.isPaused(topic, p));
      if (free.length > 0) active.push({ topic, partitions: free });
    }
    try {
      if (paused.length > 0) this.consumer.pause(paused.map((t) => ({ topic: t.topic, partitions: [...(t.partitions ?? [])] })));
      if (active.length > 0) this.consumer.resume(active.map((t) => ({ topic: t.topic, partitions: [...(t.partitions ?? [])] })));
    } catch {
      // Before the first run kafkajs has no consumer group to pause yet; the run applies them.
    }
  }

  async stop(): Promise<void> {
    // kafkajs ignores stop() while it is still joining the group, then runs on regardless.
    await this.running?.catch(() => undefined);
    await this.consumer.stop();
    this.committer = undefined;
  }

  async disconnect(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.offsets.close();
    await this.consumer.disconnect();
    this.committer = undefined;
  }

  private async onEachBatch(payload: EachBatchPayload, listener: TransportListener): Promise<void> {
    const { batch } = payload;
    // Fetched before a pause: declined unresolved, so kafkajs reads it again after the resume.
    if (this.pauses.isPaused(batch.topic, batch.partition)) return;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kafkajs passes a closure, typed as a method
    this.committer = payload.commitOffsetsIfNecessary;
    const partitionBatch: PartitionBatch = {
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages.map(
        (m) =>
          new KafkaMessage({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            value: m.value,
            key: m.key,
            headers: m.headers,
            timestamp: m.timestamp,
          }),
      ),
      resolveOffset: (offset) => payload.resolveOffset(offset),
      heartbeat: async () => {
        try {
          await payload.heartbeat();
          return true;
        } catch (error) {
          if (isRebalanceError(error)) return false;
          throw error;
        }
      },
    };
    await listener.onBatch(partitionBatch);
  }
}

/** Whether a kafkajs error means "the group moved on: rejoin". */
export function isRebalanceError(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && REBALANCE_ERROR_TYPES.has(type);
}
