/**
 * The producer's `maxQueuedBytes` budget: bytes of records queued or awaiting acks, checked before
 * a record joins the queue.
 *
 * A plain send that does not fit is refused at once (its caller gets `ProducerQueueFullError`).
 * A send that must not fail for that reason (the output stream's) waits here instead, in arrival
 * order, until acks free enough bytes; {@link release} then admits waiters synchronously, before
 * any later send can take the freed bytes.
 */
export class QueueBound {
  private waiters: Waiter[] = [];

  /**
   * @param maxBytes - the budget (`maxQueuedBytes`); at least the largest record size
   * @param pendingBytes - bytes currently queued or awaiting acks
   */
  constructor(
    readonly maxBytes: number,
    private readonly pendingBytes: () => number,
  ) {}

  /** Bytes currently queued or awaiting acks. */
  get usedBytes(): number {
    return this.pendingBytes();
  }

  /** Whether a record of `size` bytes may join the queue now. */
  fits(size: number): boolean {
    return this.pendingBytes() + size <= this.maxBytes;
  }

  /** Whether a waiting send must queue behind others (keeps the order of one stream's records). */
  get hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  /**
   * Runs `admit` once `size` bytes fit and every earlier waiter was admitted; the returned promise
   * follows the one `admit` returns. `admit` must add the record's bytes to the pending count
   * synchronously, so the next waiter is judged with them counted.
   */
  whenRoomFor(size: number, admit: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ size, admit: () => void admit().then(resolve, reject), reject });
      this.release();
    });
  }

  /** Admits waiters from the front while they fit. Call it whenever pending bytes went down. */
  release(): void {
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.size)) {
      const waiter = this.waiters.shift()!;
      try {
        waiter.admit();
      } catch (error) {
        waiter.reject(error); // never let a failure escape into the batcher's ack handler
      }
    }
  }

  /** Rejects every waiter with `error` (close); returns how many there were. */
  rejectAll(error: unknown): number {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
    return waiters.length;
  }
}

interface Waiter {
  readonly size: number;
  readonly admit: () => void;
  readonly reject: (error: unknown) => void;
}
