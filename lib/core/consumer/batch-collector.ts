/** Timers may fire this much early; closer than that counts as expired. */
const TIMER_SLACK_MS = 1;

/** Options of a {@link BatchCollector}. */
export interface BatchCollectorOptions<T> {
  /** A batch is handled as soon as it holds this many items. */
  readonly size: number;
  /** A partial batch is handled after this many ms without a new item (an inactivity timeout). */
  readonly waitTime: number;
  /** Handles one batch; batches are handled one at a time, in order. Must not reject. */
  readonly handle: (items: T[]) => Promise<void>;
  /** Receives an unexpected rejection of `handle`. */
  readonly onError?: (error: unknown) => void;
}

interface OpenBatch<T> {
  readonly items: T[];
  readonly handled: Promise<void>;
  readonly resolve: () => void;
}

/**
 * Collects items from any number of sources into batches: a batch goes to the handler when it
 * is full or when `waitTime` passed since the last item (dp-kafka's rule). Batches are handled
 * serially. Adding the item that fills a batch gives a promise of that batch being handled;
 * callers that await it keep memory to about one batch each.
 */
export class BatchCollector<T> {
  private open: OpenBatch<T> = newBatch<T>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** When the last run of adds ended (see {@link BatchCollector.touch}). */
  private lastAddAt = 0;
  /** A stamp of `lastAddAt` is queued for the end of the current synchronous run. */
  private stampQueued = false;
  private readonly stamp = (): void => {
    this.stampQueued = false;
    this.lastAddAt = performance.now();
  };

  constructor(private readonly options: BatchCollectorOptions<T>) {}

  /** Number of items waiting in the open batch. */
  get pending(): number {
    return this.open.items.length;
  }

  /**
   * Adds `item`. Returns `undefined` at once, or, when `item` filled the batch, a promise that
   * resolves once that batch was handled (never rejects): await it to bound memory. No promise is
   * made per item, since this sits on the hot path.
   */
  add(item: T): Promise<void> | undefined {
    this.open.items.push(item);
    if (this.open.items.length >= this.options.size) return this.flush();
    this.armTimer();
    return undefined;
  }

  /** Resolves once the batch that currently collects items was handled (never rejects). */
  whenOpenBatchHandled(): Promise<void> {
    return this.open.handled;
  }

  /** Sends the open batch (if any) to the handler now; resolves once every queued batch is handled. */
  flush(): Promise<void> {
    this.clearTimer();
    const batch = this.open;
    if (batch.items.length > 0) {
      this.open = newBatch<T>();
      this.queue = this.queue.then(() => this.run(batch));
    }
    return this.queue;
  }

  /** Stops the inactivity timer (the open batch stays until the next flush). */
  dispose(): void {
    this.clearTimer();
  }

  private async run(batch: OpenBatch<T>): Promise<void> {
    try {
      await this.options.handle(batch.items);
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      batch.resolve();
    }
  }

  /**
   * Restarts the inactivity countdown. Re-creating a timer per item is costly, so one timer runs
   * and, when it fires early (items came since it was set), re-arms for the remaining time.
   */
  private armTimer(): void {
    this.touch();
    if (this.timer === undefined) this.schedule(this.options.waitTime);
  }

  /**
   * Records "an item just came". Reading the clock per item cost ~5 % of the CPU of a backlog
   * drain, and a source adds items in synchronous runs (a partition batch at a time), during which
   * no timer can fire. So the time is read once, in a microtask at the end of the run: it runs
   * before any timer callback, and is at most the rest of that run later than the last add, which
   * only ever makes the wait a little longer, never shorter.
   */
  private touch(): void {
    if (this.stampQueued) return;
    this.stampQueued = true;
    queueMicrotask(this.stamp);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const idle = performance.now() - this.lastAddAt;
      if (idle + TIMER_SLACK_MS >= this.options.waitTime) void this.flush();
      else this.schedule(this.options.waitTime - idle);
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function newBatch<T>(): OpenBatch<T> {
  let resolve!: () => void;
  const handled = new Promise<void>((r) => (resolve = r));
  return { items: [], handled, resolve };
}
