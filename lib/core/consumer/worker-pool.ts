/**
 * A pool of worker ids 1..N. `acquire()` waits for a free id (first come, first served), so at
 * most N handlers run at once and each knows which worker it is.
 */
export class WorkerPool {
  private readonly free: number[];
  private readonly waiting: Array<(id: number) => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`worker pool size must be an integer >= 1, got ${size}`);
    this.free = Array.from({ length: size }, (_, i) => i + 1);
  }

  /** Number of ids currently handed out. */
  get busy(): number {
    return this.size - this.free.length;
  }

  /** A free worker id now, or `undefined` when all are busy (saves a promise on the hot path). */
  tryAcquire(): number | undefined {
    return this.free.shift();
  }

  /** Resolves with a free worker id. */
  acquire(): Promise<number> {
    const id = this.free.shift();
    if (id !== undefined) return Promise.resolve(id);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Gives `id` back; a waiter gets it at once. */
  release(id: number): void {
    const next = this.waiting.shift();
    if (next) next(id);
    else this.free.push(id);
  }

  /** Runs `task` with a worker id, releasing the id however it ends. */
  async run<T>(task: (workerId: number) => Promise<T>): Promise<T> {
    const id = await this.acquire();
    try {
      return await task(id);
    } finally {
      this.release(id);
    }
  }
}
