/** Items of a batch that failed although the batch as a whole went through: index -> error. */
export type ItemFailures = ReadonlyMap<number, unknown>;

/** Options of a {@link SendBatcher}. */
export interface SendBatcherOptions<T> {
  /** How long the oldest queued item may wait for others before its batch goes, ms (0 = next turn). */
  readonly lingerMs: number;
  /** Byte cap of one batch. A batch always holds at least one item, even an item bigger than this. */
  readonly maxBatchBytes: number;
  /** Item cap of one batch (default: no cap). */
  readonly maxBatchItems?: number;
  /** Batches that may be in flight at once; with 1, batches complete in queue order. */
  readonly maxInFlight: number;
  /**
   * Sends one batch, in queue order. Resolves when the batch is acknowledged, optionally with the
   * items that still failed (index in `items` -> error); rejects when the whole batch failed.
   */
  readonly flush: (items: T[]) => Promise<ItemFailures | void>;
  /** Called after a batch settled and its bytes left {@link SendBatcher.pendingBytes}. */
  readonly onSettled?: () => void;
}

interface Entry<T> {
  readonly item: T;
  readonly size: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  settled: boolean;
}

/**
 * Coalesces concurrent sends into batches: the first queued item opens a linger window; when it
 * ends, or as soon as the queue holds a full batch (byte or item cap), one batch goes to `flush`. While the in-flight
 * limit is reached the queue keeps growing, so the next batch carries everything that arrived
 * meanwhile (this is what lets one-record-per-call senders reach batch throughput). Each caller's
 * promise settles with the result of the batch that carried its item.
 */
export class SendBatcher<T> {
  // Queued entries are queue[head..]; taking a batch moves `head` instead of copying the rest.
  private queue: Entry<T>[] = [];
  private head = 0;
  private queuedBytes = 0;
  private unsettledBytes = 0;
  private oldestQueuedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly inFlight = new Set<Entry<T>[]>();
  private idleWaiters: Array<() => void> = [];
  private draining = false;

  constructor(private readonly options: SendBatcherOptions<T>) {}

  /** Items waiting for a batch. */
  get queuedCount(): number {
    return this.queue.length - this.head;
  }

  /** Batches sent and not yet settled. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Bytes of the items queued or in flight: added and not yet settled. */
  get pendingBytes(): number {
    return this.unsettledBytes;
  }

  /** Queues an item of `size` bytes; the promise settles with the result of its batch. */
  add(item: T, size: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.queuedCount === 0) this.oldestQueuedAt = Date.now();
      this.queue.push({ item, size, resolve, reject, settled: false });
      this.queuedBytes += size;
      this.unsettledBytes += size;
      this.schedule();
    });
  }

  /**
   * Sends everything queued without waiting for the linger window and resolves once nothing is
   * queued or in flight. Items added meanwhile are flushed too.
   */
  drain(): Promise<void> {
    this.draining = true;
    const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.schedule();
    this.notifyIfIdle();
    return idle;
  }

  /**
   * Rejects every queued and in-flight item with `error` and forgets them (a later batch result is
   * ignored). Returns how many items were rejected.
   */
  abort(error: unknown): number {
    this.clearTimers();
    let count = 0;
    const rejectAll = (entries: Entry<T>[]) => {
      for (const entry of entries) {
        if (entry.settled) continue;
        entry.settled = true;
        entry.reject(error);
        count++;
      }
    };
    rejectAll(this.queue.slice(this.head));
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.unsettledBytes = 0;
    for (const batch of this.inFlight) rejectAll(batch);
    this.inFlight.clear();
    this.notifyIfIdle();
    return count;
  }

  private schedule(): void {
    if (this.queuedCount === 0 || this.inFlight.size >= this.options.maxInFlight) return;
    if (this.draining || this.isFull()) {
      this.sendNext();
      return;
    }
    if (this.timer !== undefined || this.immediate !== undefined) return;
    const remaining = this.options.lingerMs - (Date.now() - this.oldestQueuedAt);
    if (remaining > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.sendNext();
      }, remaining);
    } else {
      // Even when due, wait for the end of this turn so that its other sends join the batch.
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.sendNext();
      });
    }
  }

  private sendNext(): void {
    while (this.queuedCount > 0 && this.inFlight.size < this.options.maxInFlight) {
      this.clearTimers();
      const batch = this.takeBatch();
      this.inFlight.add(batch);
      let result: Promise<ItemFailures | void>;
      try {
        result = this.options.flush(batch.map((e) => e.item));
      } catch (error) {
        result = Promise.reject(error);
      }
      result.then(
        (failures) => this.finish(batch, { failures: failures ?? undefined }),
        (error: unknown) => this.finish(batch, { error }),
      );
    }
    if (this.queuedCount > 0) this.schedule();
  }

  private takeBatch(): Entry<T>[] {
    let bytes = 0;
    let count = 0;
    const maxItems = this.options.maxBatchItems ?? Number.POSITIVE_INFINITY;
    const queued = this.queuedCount;
    while (count < queued && count < maxItems) {
      const size = this.queue[this.head + count]!.size;
      if (count > 0 && bytes + size > this.options.maxBatchBytes) break;
      bytes += size;
      count++;
    }
    const batch = this.queue.slice(this.head, this.head + count);
    this.head += count;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.queuedBytes -= bytes;
    // What remains has waited since before this batch went: it is due at once.
    if (this.queuedCount > 0) this.oldestQueuedAt = 0;
    return batch;
  }

  /** Whether the queue holds at least one full batch (by bytes or by items). */
  private isFull(): boolean {
    return this.queuedBytes >= this.options.maxBatchBytes || this.queuedCount >= (this.options.maxBatchItems ?? Number.POSITIVE_INFINITY);
  }

  /** Settles a batch: every item rejects when the whole batch failed, else as `failures` says. */
  private finish(batch: Entry<T>[], outcome: { failures: ItemFailures | undefined } | { error: unknown }): void {
    if (!this.inFlight.delete(batch)) return; // aborted meanwhile
    const failures = 'failures' in outcome ? outcome.failures : undefined;
    batch.forEach((entry, index) => {
      this.unsettledBytes -= entry.size;
      if (entry.settled) return;
      entry.settled = true;
      if ('error' in outcome) entry.reject(outcome.error);
      else if (failures?.has(index)) entry.reject(failures.get(index));
      else entry.resolve();
    });
    this.options.onSettled?.();
    this.schedule();
    this.notifyIfIdle();
  }

  private notifyIfIdle(): void {
    if (this.queuedCount > 0 || this.inFlight.size > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    this.draining = false;
    for (const wake of waiters) wake();
  }

  private clearTimers(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
