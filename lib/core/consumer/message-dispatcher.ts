import type { DispatchGate, Dispatcher, DispatcherContext } from './dispatch.js';
import type { FailureSettings } from './failure/failure-ladder.js';
import { createMessageInvoker, type MessageHandler, type MessageInvoker } from './invoke-handler.js';
import type { PartitionBatch } from './transport.js';
import { WorkerPool } from './worker-pool.js';

export type { MessageHandler } from './invoke-handler.js';

/** Options of a {@link MessageDispatcher}. */
export interface MessageDispatcherOptions extends DispatcherContext {
  readonly handler: MessageHandler;
  readonly numWorkers: number;
  /** The handler's failure policy and time limit; absent = report and commit (dp-kafka's rule). */
  readonly failure?: FailureSettings;
}

/**
 * dp-kafka's single-message mode: a pool of `numWorkers` workers; each partition hands out one
 * message at a time (so order per partition holds and parallelism is min(workers, partitions)).
 * A message is finished, and may be committed, only after its handler settled.
 */
export class MessageDispatcher implements Dispatcher {
  private readonly workers: WorkerPool;
  private readonly invoke: MessageInvoker;

  constructor(private readonly options: MessageDispatcherOptions) {
    this.workers = new WorkerPool(options.numWorkers);
    this.invoke = createMessageInvoker(options);
  }

  async dispatch(batch: PartitionBatch, gate: DispatchGate): Promise<void> {
    const track = this.options.tracker.partition(batch.topic, batch.partition);
    let lastDone: string | undefined;
    try {
      for (const message of batch.messages) {
        if (!gate.shouldDispatch) return;
        track.start(message.offset);
        const workerId = this.workers.tryAcquire() ?? (await this.workers.acquire());
        let commit: boolean;
        try {
          commit = await this.invoke(message, workerId, gate);
        } finally {
          this.workers.release(workerId);
        }
        track.finish(message.offset, commit);
        lastDone = message.offset;
      }
    } finally {
      // The source reads the resolved position only for its next fetch, after this returns, so
      // resolving once (the last finished message) is enough.
      if (lastDone !== undefined) batch.resolveOffset(lastDone);
    }
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  dispose(): void {}
}
