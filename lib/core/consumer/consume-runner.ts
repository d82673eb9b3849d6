import type { LogData } from '../errors.js';
import type { KafkaLogger } from '../logger.js';
import { connectWhenReachable } from '../reachability.js';
import { CrashRecovery, type CrashRecoveryOptions } from './crash-recovery.js';
import type { ConsumePipeline } from './pipeline.js';
import { ConsumerState, type ConsumerStateMachine } from './state.js';
import type { ConsumerTransport, PartitionBatch, TransportListener } from './transport.js';
import type { FetchStallWatch, PartitionRef } from './fetch-stall.js';

/** Options of a {@link ConsumeRunner}. */
export interface ConsumeRunnerOptions extends Pick<CrashRecoveryOptions, 'minRetryPeriod' | 'maxRetryPeriod' | 'emit' | 'logData'> {
  /** The group's fetch failure episodes (health reads them). */
  readonly watch: FetchStallWatch;
  /** Fetching these partitions failed while the others go on (the group pauses and retries them). */
  readonly onFetchFailed: (partitions: readonly PartitionRef[], error: unknown) => void;
  /** A fetch of these partitions came back without error. */
  readonly onFetched: (partitions: readonly PartitionRef[]) => void;
  readonly transport: ConsumerTransport;
  readonly pipeline: ConsumePipeline;
  readonly machine: ConsumerStateMachine;
  readonly logger: KafkaLogger;
  /** The member joined the group: the broker allows it (clears an authorization refusal). */
  readonly onJoined: () => void;
  /** A reconnect completed after close() began: release that connection. */
  readonly releaseLateConnection: () => void;
  /** The member joined with this assignment (after the pipeline reset and the move to Consuming). */
  readonly afterGroupJoin?: (assignment: Readonly<Record<string, readonly number[]>>) => void;
  /** A rebalance's hand-over (handlers finished, offsets committed) is done; the rejoin waits for this too. */
  readonly afterHandOver?: () => Promise<void>;
}

/**
 * The running half of a consumer group: runs the transport, follows its group joins,
 * rebalances and crashes through the state machine, and after a crash reconnects and runs again
 * on the back-off of a {@link CrashRecovery}.
 */
export class ConsumeRunner {
  private readonly listener: TransportListener;
  private readonly recovery: CrashRecovery;

  constructor(private readonly options: ConsumeRunnerOptions) {
    this.listener = {
      onBatch: (batch) => this.onBatch(batch),
      onGroupJoin: (assignment) => this.onGroupJoin(assignment),
      onRebalancing: () => this.onRebalancing(),
      onCrash: (error) => this.onCrash(error),
      onFetchFailed: (partitions, error) => options.onFetchFailed(partitions, error),
      onFetched: (partitions) => this.onFetched(partitions),
    };
    this.recovery = new CrashRecovery({
      minRetryPeriod: options.minRetryPeriod,
      maxRetryPeriod: options.maxRetryPeriod,
      isRestartWanted: () => this.state === ConsumerState.Starting,
      restart: () => this.restart(),
      emit: options.emit,
      logger: options.logger,
      watch: options.watch,
      logData: options.logData,
    });
  }

  /** Moves to Starting and runs the transport (no-op when that move is not allowed now). */
  start(): void {
    if (!this.options.machine.moveTo(ConsumerState.Starting)) return;
    this.recovery.reset();
    this.options.pipeline.open();
    void this.run();
  }

  /** Drops a restart scheduled after a crash (stop or close). */
  cancelRestart(): void {
    this.recovery.cancel();
  }

  private get state(): ConsumerState {
    return this.options.machine.state;
  }

  private logData(): LogData {
    return this.options.logData();
  }

  private async run(): Promise<void> {
    try {
      await this.options.transport.run(this.listener);
    } catch (error) {
      this.onCrash(error);
    }
  }

  private onBatch(batch: PartitionBatch): Promise<void> {
    // Records flow: the fetch loop works (its failure episode, if any, ends; the back-off starts afresh).
    if (batch.messages.length > 0) this.loopWorks();
    this.options.onFetched([{ topic: batch.topic, partition: batch.partition }]);
    return this.options.pipeline.handle(batch);
  }

  private onFetched(partitions: readonly PartitionRef[]): void {
    this.loopWorks();
    this.options.onFetched(partitions);
  }

  private loopWorks(): void {
    if (!this.options.watch.loopFailing()) return;
    this.recovery.reset();
    this.options.logger.info('kafka consumer group fetches again', this.logData());
  }

  private onGroupJoin(assignment: Readonly<Record<string, readonly number[]>>): void {
    if (this.state !== ConsumerState.Starting && this.state !== ConsumerState.Consuming) return;
    // No back-off reset here: a member whose fetch fails right after each join must keep backing off.
    this.options.onJoined();
    this.options.pipeline.onGroupJoin();
    this.options.machine.moveTo(ConsumerState.Consuming);
    this.options.logger.info('kafka consumer group joined', { ...this.logData(), assignment });
    this.options.afterGroupJoin?.(assignment);
  }

  private onRebalancing(): Promise<void> {
    // Stopping or closing: the drain commits instead.
    if (this.state !== ConsumerState.Consuming && this.state !== ConsumerState.Starting) return Promise.resolve();
    const handedOver = this.options.pipeline.onRebalancing();
    this.options.machine.moveTo(ConsumerState.Starting);
    const { afterHandOver } = this.options;
    return afterHandOver ? handedOver.then(afterHandOver) : handedOver;
  }

  /** Consumption stopped on an error: back off with getRetryTime, then reconnect and run again. */
  private onCrash(error: unknown): void {
    if (this.state !== ConsumerState.Starting && this.state !== ConsumerState.Consuming) return;
    this.options.machine.moveTo(ConsumerState.Starting);
    this.recovery.crashed(error);
  }

  /** The back-off after a crash ended and the group still wants to run. */
  private restart(): void {
    const { transport } = this.options;
    this.options.pipeline.open();
    connectWhenReachable(transport.reachability, () => transport.connect()).then(
      () => this.afterReconnect(),
      (connectError: unknown) => this.onCrash(connectError),
    );
  }

  private afterReconnect(): Promise<void> | undefined {
    if (this.state === ConsumerState.Starting) return this.run();
    // close() may have disconnected before this connection completed: release it.
    if (this.state === ConsumerState.Closing) this.options.releaseLateConnection();
    return undefined;
  }
}
