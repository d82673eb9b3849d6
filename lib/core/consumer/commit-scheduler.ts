import type { OffsetTracker, PartitionOffset } from './offset-tracker.js';

/** Options of a {@link CommitScheduler}. */
export interface CommitSchedulerOptions {
  readonly tracker: OffsetTracker;
  /** Commits at most this often while running, ms. */
  readonly interval: number;
  /** Sends positions to the broker. */
  readonly commit: (offsets: readonly PartitionOffset[]) => Promise<void>;
  /** A commit failed; its positions were put back to be retried (or redelivered after a rebalance). */
  readonly onError: (error: unknown, offsets: readonly PartitionOffset[]) => void;
}

/**
 * Groups commits: finished positions are sent on a timer rather than one request per message,
 * and on demand with {@link flush} (stop, rebalance, close). Commits never overlap, so a later
 * position is never overtaken by an earlier one.
 */
export class CommitScheduler {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: CommitSchedulerOptions) {}

  /** Starts the periodic commits. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.interval);
    this.timer.unref();
  }

  /** Stops the periodic commits (call {@link flush} for a last one). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Commits every waiting position now; resolves when done (never rejects). */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.commitPending());
    return this.chain;
  }

  private async commitPending(): Promise<void> {
    const offsets = this.options.tracker.takePending();
    if (offsets.length === 0) return;
    try {
      await this.options.commit(offsets);
    } catch (error) {
      this.options.tracker.restore(offsets);
      try {
        this.options.onError(error, offsets);
      } catch {
        // a failing error listener must not break the commit chain
      }
    }
  }
}
