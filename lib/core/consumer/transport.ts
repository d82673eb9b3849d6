import type { OffsetSource } from '../health/consumer-lag.js';
import type { KafkaMessage } from '../message.js';
import type { ReachabilityProbe } from '../reachability.js';
import type { PartitionOffset } from './offset-tracker.js';
import type { FailureTopicPolicy } from './retry-topics/retry-topic-names.js';
import type { PauseHolder, TopicPartitions } from './pause-set.js';
import type { PartitionRef } from './fetch-stall.js';

/**
 * Messages of one partition handed over by a {@link ConsumerTransport}. The source delivers the
 * next batch of that partition only after the promise returned for this one settles, which is
 * how fetching pauses while workers are busy.
 */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  /** In offset order. */
  readonly messages: readonly KafkaMessage[];
  /** Marks `offset` as processed so this session does not deliver it again (not a commit). */
  resolveOffset(offset: string): void;
  /**
   * Tells the group coordinator the member is alive. Resolves `false` when the group is
   * rebalancing: the member must finish its work, commit and return so it can rejoin.
   */
  heartbeat(): Promise<boolean>;
}

/** What the transport reports to the consumer core. Callbacks must not throw. */
export interface TransportListener {
  /** Handles one partition batch; the transport waits for it (backpressure). Never rejects. */
  onBatch(batch: PartitionBatch): Promise<void>;
  /** The member joined the group (again) with these partitions. */
  onGroupJoin(assignment: Readonly<Record<string, readonly number[]>>): void;
  /**
   * A rebalance began (or the member is about to rejoin): everything assigned may be revoked. The
   * core stops handing out messages, lets running handlers finish and commits what finished; the
   * promise resolves when that is done and never rejects. The transport waits for it (bounded)
   * before the member rejoins, so the commit carries the generation that still owns the
   * partitions; once the member rejoined, a commit of the old positions would be refused.
   */
  onRebalancing(): Promise<void>;
  /** Consumption crashed and stopped; the core decides when to run again. */
  onCrash(error: unknown): void;
  /**
   * Fetching these partitions failed with `error` while the transport goes on fetching the others
   * (a transport that cannot tell which partition failed crashes instead). The core pauses them
   * before this returns and resumes them on its back-off.
   */
  onFetchFailed(partitions: readonly PartitionRef[], error: unknown): void;
  /** A fetch came back without error for these partitions (with records or not). Optional for a transport to call. */
  onFetched(partitions: readonly PartitionRef[]): void;
}

/** The first offset of each partition of a topic whose record is at or after a time (the log end when none is). */
export interface PartitionStartOffset {
  readonly partition: number;
  /** Decimal offset. */
  readonly offset: string;
}

/**
 * Reads offsets of the cluster (not of this member's session): what lag and seek by timestamp,
 * beginning or end are computed from.
 */
export interface TopicOffsetReader extends OffsetSource {
  /** Per partition: the first offset whose record timestamp is at or after `timestamp` (ms), else the log end. */
  fetchTopicOffsetsByTimestamp(topic: string, timestamp: number): Promise<PartitionStartOffset[]>;
}

/**
 * The message source under a consumer group. The handler pipeline, state machine and commit
 * rules live in the core and only see this interface, so an in-memory source runs them exactly
 * as the kafkajs one does.
 */
export interface ConsumerTransport {
  /**
   * Brokers the core checks over TCP before each `connect()`, so an unreachable cluster fails
   * fast instead of inside kafkajs' uncancellable internal retries. Absent for in-memory sources.
   */
  readonly reachability?: ReachabilityProbe;
  /** Reaches the cluster. Rejects when it cannot (the core retries with back-off). */
  connect(): Promise<void>;
  /** Subscribes (first time) and starts consuming; resolves once running or crashed. */
  run(listener: TransportListener): Promise<void>;
  /**
   * Commits next-offsets for the current group generation. Rejects when the broker refuses (e.g.
   * the generation moved on); the core reports it and, after the next join, forgets those positions.
   */
  commit(offsets: readonly PartitionOffset[]): Promise<void>;
  /**
   * Stops fetching `partitions` for `holder` (default `'app'`) while the member stays in the group:
   * no rebalance, heartbeats go on. From its return on, no new batch of a paused partition reaches
   * `onBatch` (one fetched before is declined unresolved, so it comes again after the resume);
   * batches already handed over run on. A partition is fetched again only once every holder
   * that paused it resumed it, so independent users of pausing never resume each other's
   * partitions. Pauses outlive rebalances, crashes and restarts of `run` until resumed; pausing a
   * whole topic (`partitions` absent) also covers its partitions assigned later. Callable at any
   * time, also before `run`; never throws for a partition not assigned (it applies if assigned).
   */
  pause(partitions: readonly TopicPartitions[], holder?: PauseHolder): void;
  /**
   * Lifts `holder`'s pause of `partitions` (default holder `'app'`); resuming some partitions of a
   * topic paused whole makes exceptions. Fetching restarts from the partition's position (the
   * last resolved offset + 1, else the committed offset): nothing is skipped or repeated.
   */
  resume(partitions: readonly TopicPartitions[], holder?: PauseHolder): void;
  /** Whether any holder (or `holder`, when given) pauses the partition. */
  isPaused(topic: string, partition: number, holder?: PauseHolder): boolean;
  /**
   * The failure policy the group's handler runs with (the config's, or the handler's own): from its
   * first run on, the transport also consumes its retry topics (and the kafkajs transport checks its
   * retry and dead-letter topics exist). Called before `run`. Optional: without it a transport
   * consumes the config's topics only.
   */
  useFailurePolicy?(policy: FailureTopicPolicy): void;
  /**
   * Makes the next fetch of an assigned partition start at `offset` (a concrete offset, not a
   * special one). Resolving an offset of a batch handed over before the seek must not move the
   * position again: callers let in-flight batches of the partition finish first (the core pauses
   * the partition and waits). Not a commit. A no-op for a partition not assigned now.
   */
  seek(topic: string, partition: number, offset: string): void;
  /** Where committed offsets, log ends and offsets by timestamp are read (lag, seek). */
  readonly offsets: TopicOffsetReader;
  /** Stops consuming and leaves the group; waits for running `onBatch` calls. */
  stop(): Promise<void>;
  /** Stops (if needed) and closes connections. */
  disconnect(): Promise<void>;
}
