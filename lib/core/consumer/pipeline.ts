import { KafkaOperationError, type KafkaError, type LogData } from '../errors.js';
import { asAuthorizationError } from '../security/authorization.js';
import { CommitScheduler } from './commit-scheduler.js';
import type { DispatchGate, Dispatcher } from './dispatch.js';
import { OffsetTracker, type PartitionOffset } from './offset-tracker.js';
import type { PartitionBatch } from './transport.js';

/** The group's gate, closed also while one partition is paused. */
class PartitionGate implements DispatchGate {
  constructor(
    private readonly group: DispatchGate,
    private readonly paused: () => boolean,
  ) {}

  get shouldDispatch(): boolean {
    return this.group.shouldDispatch && !this.paused();
  }

  /** The group's signal: a stop, close or rebalance cuts a retry wait short (h16 x h19 merge). */
  get signal(): AbortSignal | undefined {
    return this.group.signal;
  }
}

const partitionKey = (topic: string, partition: number) => `${partition}:${topic}`;

/** Pause before declining a batch offered while a rebalance is pending, ms. */
const REBALANCE_PAUSE_MS = 100;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Options of a {@link ConsumePipeline}. */
export interface ConsumePipelineOptions {
  /** Commits at most this often, ms. */
  readonly commitInterval: number;
  /** Heartbeat period while a partition batch is being handled, ms. */
  readonly heartbeatInterval: number;
  /** Sends positions to the broker. */
  readonly commit: (offsets: readonly PartitionOffset[]) => Promise<void>;
  readonly emit: (error: KafkaError) => void;
  readonly logData: LogData;
  /**
   * The part of a batch that may be handled now (retry topics hold back records not yet due);
   * absent = all of it. Records cut off are not resolved, so the transport offers them again.
   */
  readonly admit?: (batch: PartitionBatch) => PartitionBatch;
  /**
   * Whether a partition is paused (by the app, a seek, …): its batch in hand stops at the next
   * message, as on a stop. Default: nothing is paused.
   */
  readonly isPaused?: (topic: string, partition: number) => boolean;
}

/**
 * The transport-free heart of a consumer group: partition batches in, handler calls through the
 * current {@link Dispatcher}, finished offsets through the {@link OffsetTracker} into grouped
 * commits. While a batch is handled it heartbeats on a timer (kafkajs only heartbeats between
 * batches), so a slow handler does not get the member evicted. When a stop or rebalance begins it
 * stops handing out messages, lets running handlers finish and commits before returning.
 */
export class ConsumePipeline implements DispatchGate {
  /** Offsets started and finished; exposed for the health and channel layers. */
  readonly tracker = new OffsetTracker();
  private readonly commits: CommitScheduler;
  private dispatcher: Dispatcher | undefined;
  private accepting = false;
  private rebalancing = false;
  private gateSignal = new AbortController();
  private readonly active = new Set<Promise<void>>();
  /** The partition of each running batch (to wait for one partition's work: pause, seek). */
  private readonly activePartitions = new Map<Promise<void>, string>();

  constructor(private readonly options: ConsumePipelineOptions) {
    this.commits = new CommitScheduler({
      tracker: this.tracker,
      interval: options.commitInterval,
      commit: options.commit,
      onError: (error, offsets) => {
        const message = 'failed to commit offsets (they are retried, or redelivered after a rebalance)';
        const logData = { ...options.logData, offsets: offsets.map((o) => `${o.topic}/${o.partition}@${o.offset}`) };
        // A group ACL refusal is a KafkaAuthorizationError (health CRITICAL until the next join).
        options.emit(asAuthorizationError(error, message, logData) ?? new KafkaOperationError(message, logData, error));
      },
    });
  }

  /** Whether a dispatcher (handler) is set. */
  get hasDispatcher(): boolean {
    return this.dispatcher !== undefined;
  }

  /** Sets the dispatcher that turns messages into handler calls (once). */
  setDispatcher(dispatcher: Dispatcher): void {
    this.dispatcher = dispatcher;
  }

  /** `true` while messages may be handed to handlers. */
  get shouldDispatch(): boolean {
    return this.accepting && !this.rebalancing;
  }

  /** Aborted once {@link shouldDispatch} turns false (see {@link DispatchGate.signal}). */
  get signal(): AbortSignal {
    return this.gateSignal.signal;
  }

  /** Number of partition batches being handled. */
  get activeBatches(): number {
    return this.active.size;
  }

  /** Starts accepting batches with a clean slate (a new run of the group). */
  open(): void {
    this.tracker.reset();
    this.rebalancing = false;
    this.accepting = true;
    this.syncSignal();
    this.commits.start();
  }

  /** The member joined a new generation: positions of the old one must not be committed any more. */
  onGroupJoin(): void {
    this.tracker.reset();
    this.rebalancing = false;
    this.syncSignal();
  }

  /**
   * A rebalance began: stops handing out messages, lets running handlers finish (a partial batch
   * is handled) and commits what finished while the partitions are still ours. Resolves when that
   * is done; never rejects.
   */
  onRebalancing(): Promise<void> {
    this.rebalancing = true;
    this.syncSignal();
    return this.handOver();
  }

  /** Handles one partition batch (the transport awaits this: backpressure). Never rejects. */
  async handle(batch: PartitionBatch): Promise<void> {
    const dispatcher = this.dispatcher;
    if (!this.shouldDispatch || !dispatcher) {
      // While a rebalance is pending the source may offer batches again before it notices;
      // pausing a little keeps that from becoming a busy loop of fetches.
      if (this.accepting && this.rebalancing) await delay(REBALANCE_PAUSE_MS);
      return;
    }
    const admitted = this.options.admit ? this.options.admit(batch) : batch;
    if (admitted.messages.length === 0) return;
    const run = this.run(admitted, dispatcher);
    this.active.add(run);
    this.activePartitions.set(run, partitionKey(batch.topic, batch.partition));
    try {
      await run;
    } finally {
      this.active.delete(run);
      this.activePartitions.delete(run);
    }
  }

  /**
   * Resolves once no batch of the given partitions is being handled (batches of paused partitions
   * stop at their next message), then commits what finished. With `flushHeld` (the whole group
   * pauses) held-back messages are handed over first, as on a stop. Never rejects.
   */
  async settle(partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number }>, flushHeld = false): Promise<void> {
    const keys = new Set(partitions.map((p) => partitionKey(p.topic, p.partition)));
    const running = () => [...this.activePartitions].filter(([, key]) => keys.has(key)).map(([run]) => run);
    // Whole group: a partial batch is handled now and a channel drops what no reader took.
    if (flushHeld) await this.flushDispatcher();
    for (let runs = running(); runs.length > 0; runs = running()) await Promise.allSettled(runs);
    if (flushHeld) await this.flushDispatcher();
    await this.commits.flush();
  }

  /**
   * Stops accepting batches, hands a partial batch to its handler, waits for every running handler
   * and commits what finished. Resolves when all of that is done (never rejects).
   */
  /** Tells the dispatcher the partitions were handed over (after {@link drain}). Never rejects. */
  async handedOver(): Promise<void> {
    await this.dispatcher
      ?.handedOver?.()
      .catch((error: unknown) =>
        this.options.emit(new KafkaOperationError('failed to release the partitions handed over', this.options.logData, error)),
      );
  }

  async drain(): Promise<void> {
    this.accepting = false;
    this.syncSignal();
    await this.flushDispatcher();
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
    this.commits.stop();
    await this.commits.flush();
  }

  /** Partitions were resumed: tells the dispatcher, which may hold messages of paused partitions. */
  onResumed(): void {
    this.dispatcher?.resumed?.();
  }

  /** Commits every finished position now. */
  flushCommits(): Promise<void> {
    return this.commits.flush();
  }

  /** Releases timers. */
  dispose(): void {
    this.accepting = false;
    this.syncSignal();
    this.commits.stop();
    this.dispatcher?.dispose();
  }

  private async run(batch: PartitionBatch, dispatcher: Dispatcher): Promise<void> {
    const heartbeat = setInterval(() => this.heartbeat(batch), this.options.heartbeatInterval);
    const { isPaused } = this.options;
    const gate: DispatchGate = isPaused ? new PartitionGate(this, () => isPaused(batch.topic, batch.partition)) : this;
    try {
      await dispatcher.dispatch(batch, gate);
      if (!this.shouldDispatch) {
        // Giving the partitions up (stop or rebalance): handle what is held back and commit it
        // while this member still owns them.
        await this.flushDispatcher();
        await this.commits.flush();
      }
    } catch (error) {
      this.options.emit(
        new KafkaOperationError(
          'unexpected error while dispatching messages',
          { ...this.options.logData, topic: batch.topic, partition: batch.partition },
          error,
        ),
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async handOver(): Promise<void> {
    // First: a channel drops what no reader took, which ends the batches waiting on it.
    await this.flushDispatcher();
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
    await this.flushDispatcher();
    await this.commits.flush();
  }

  private heartbeat(batch: PartitionBatch): void {
    batch.heartbeat().then(
      (ok) => {
        if (!ok) {
          this.rebalancing = true;
          this.syncSignal();
        }
      },
      (error: unknown) =>
        this.options.emit(
          new KafkaOperationError(
            'heartbeat failed while handling messages',
            { ...this.options.logData, topic: batch.topic, partition: batch.partition },
            error,
          ),
        ),
    );
  }

  /** Aborts the gate's signal when dispatching stopped; a fresh one once it may dispatch again. */
  private syncSignal(): void {
    if (!this.shouldDispatch) this.gateSignal.abort();
    else if (this.gateSignal.signal.aborted) this.gateSignal = new AbortController();
  }

  private async flushDispatcher(): Promise<void> {
    try {
      await this.dispatcher?.flush();
    } catch (error) {
      this.options.emit(new KafkaOperationError('failed to flush the pending batch', this.options.logData, error));
    }
  }
}
