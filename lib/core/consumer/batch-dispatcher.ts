import type { KafkaError, LogData } from '../errors.js';
import type { KafkaMessage } from '../message.js';
import { BatchCollector } from './batch-collector.js';
import { shouldCommit } from './commit-rule.js';
import { batchLogData, handlerError, type DispatchGate, type Dispatcher } from './dispatch.js';
import type { OffsetTracker } from './offset-tracker.js';
import type { PartitionBatch } from './transport.js';

/** Handles a batch of messages, possibly from several partitions, each partition in order. */
export type BatchHandler = (messages: KafkaMessage[]) => Promise<void>;

/** Options of a {@link BatchDispatcher}. */
export interface BatchDispatcherOptions {
  readonly handler: BatchHandler;
  readonly batchSize: number;
  readonly batchWaitTime: number;
  readonly tracker: OffsetTracker;
  readonly emit: (error: KafkaError) => void;
  readonly logData: LogData;
}

/**
 * dp-kafka's batch mode: messages from every partition gather into one batch, handled when it
 * holds `batchSize` messages or `batchWaitTime` after the last one arrived. A partition batch is
 * acknowledged to the source only once all its messages were handled, so nothing is lost and
 * fetching waits for the handler; a partial batch is handled on stop, rebalance and close.
 */
export class BatchDispatcher implements Dispatcher {
  private readonly collector: BatchCollector<KafkaMessage>;

  constructor(private readonly options: BatchDispatcherOptions) {
    this.collector = new BatchCollector<KafkaMessage>({
      size: options.batchSize,
      waitTime: options.batchWaitTime,
      handle: (messages) => this.invoke(messages),
    });
  }

  async dispatch(batch: PartitionBatch, gate: DispatchGate): Promise<void> {
    const added: KafkaMessage[] = [];
    let lastHandled: Promise<void> | undefined;
    for (const message of batch.messages) {
      if (!gate.shouldDispatch) break;
      this.options.tracker.start(message.topic, message.partition, message.offset);
      added.push(message);
      lastHandled = (await this.collector.add(message)).handled;
    }
    if (!gate.shouldDispatch) await this.collector.flush();
    if (lastHandled) await lastHandled;
    const last = added[added.length - 1];
    if (last) batch.resolveOffset(last.offset);
  }

  flush(): Promise<void> {
    return this.collector.flush();
  }

  dispose(): void {
    this.collector.dispose();
  }

  private async invoke(messages: KafkaMessage[]): Promise<void> {
    let commit = true;
    try {
      await this.options.handler([...messages]);
    } catch (error) {
      commit = shouldCommit(error);
      this.options.emit(handlerError('failed to handle message batch', { ...this.options.logData, ...batchLogData(messages) }, error, commit));
    }
    for (const m of messages) this.options.tracker.done(m.topic, m.partition, m.offset, commit);
  }
}
