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

/** What {@link BatchCollector.add} returns. */
export interface BatchTicket {
  /** Resolves once the batch holding the item was handled (never rejects). */
  readonly handled: Promise<void>;
}

interface OpenBatch<T> {
  readonly items: T[];
  readonly handled: Promise<void>;
  readonly resolve: () => void;
}

/**
 * Collects items from any number of sources into batches: a batch goes to the handler when it
 * is full or when `waitTime` passed since the last item (dp-kafka's rule). Batches are handled
 * serially. Each `add` tells when the item's batch has been handled, so callers can wait before
 * acknowledging their input. Adding the item that fills a batch waits until that batch is
 * handled: this bounds memory to about one batch per caller.
 */
export class BatchCollector<T> {
  private open: OpenBatch<T> = newBatch<T>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BatchCollectorOptions<T>) {}

  /** Number of items waiting in the open batch. */
  get pending(): number {
    return this.open.items.length;
  }

  /**
   * Adds `item`. Resolves with a ticket whose `handled` promise settles once the item's batch was
   * handled; when `item` filled the batch, resolves only after that.
   */
  async add(item: T): Promise<BatchTicket> {
    const batch = this.open;
    batch.items.push(item);
    if (batch.items.length >= this.options.size) {
      await this.flush();
    } else {
      this.armTimer();
    }
    return { handled: batch.handled };
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

  private armTimer(): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.waitTime);
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
