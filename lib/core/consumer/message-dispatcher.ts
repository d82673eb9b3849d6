import type { KafkaMessage } from '../message.js';
import { runWithRequestId } from '../request-context.js';
import { shouldCommit } from './commit-rule.js';
import { handlerError, type DispatchGate, type Dispatcher, type DispatcherContext } from './dispatch.js';
import type { PartitionBatch } from './transport.js';
import { WorkerPool } from './worker-pool.js';

/** Handles one message; `workerId` is in 1..numWorkers. */
export type MessageHandler = (message: KafkaMessage, workerId: number) => Promise<void>;

/** Options of a {@link MessageDispatcher}. */
export interface MessageDispatcherOptions extends DispatcherContext {
  readonly handler: MessageHandler;
  readonly numWorkers: number;
}

/**
 * dp-kafka's single-message mode: a pool of `numWorkers` workers; each partition hands out one
 * message at a time (so order per partition holds and parallelism is min(workers, partitions)).
 * A message is finished, and may be committed, only after its handler settled.
 */
export class MessageDispatcher implements Dispatcher {
  private readonly workers: WorkerPool;

  constructor(private readonly options: MessageDispatcherOptions) {
    this.workers = new WorkerPool(options.numWorkers);
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
          commit = await this.invoke(message, workerId);
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

  /** Runs the handler; returns whether the message may be committed. */
  private async invoke(message: KafkaMessage, workerId: number): Promise<boolean> {
    const { handler } = this.options;
    try {
      const requestId = message.requestId;
      if (requestId !== undefined) {
        await runWithRequestId(requestId, () => handler(message, workerId));
      } else {
        await handler(message, workerId);
      }
      return true;
    } catch (error) {
      const commit = shouldCommit(error);
      this.options.emit(
        handlerError('failed to handle message', { ...this.options.logData(), ...message.logData(), workerId }, error, commit),
      );
      return commit;
    }
  }
}
