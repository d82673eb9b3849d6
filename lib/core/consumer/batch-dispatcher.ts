import type { KafkaError, LogData } from '../errors.js';
import type { KafkaMessage } from '../message.js';
import { BatchCollector } from './batch-collector.js';
import { shouldCommit } from './commit-rule.js';
import { batchLogData, handlerError, type DispatchGate, type Dispatcher } from './dispatch.js';
import type { OffsetTracker, PartitionTrack } from './offset-tracker.js';
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
  /** The group's context (read when an error is built, so it carries the current state). */
  readonly logData: () => LogData;
}

/**
 * dp-kafka's batch mode: messages from every partition gather into one batch, handled when it
 * holds `batchSize` messages or `batchWaitTime` after the last one arrived. As in dp-kafka a
 * message is released to the source once it is in a batch (so the next fetch can complete the
 * batch), but its offset is committed only after its batch was handled. Adding the message that
 * fills a batch waits for that batch, which bounds memory. A partial batch is handled on stop,
 * before a rebalance gives partitions up, and on close.
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
    const track = this.options.tracker.partition(batch.topic, batch.partition);
    let lastAdded: string | undefined;
    for (const message of batch.messages) {
      if (!gate.shouldDispatch) break;
      track.start(message.offset);
      lastAdded = message.offset;
      // Waits only when this message fills a batch (until that batch is handled): memory stays
      // bounded while the source keeps fetching, so a batch can fill across fetches as in dp-kafka.
      const full = this.collector.add(message);
      if (full) await full;
    }
    // Read on from here (not a commit: offsets are committed only after their batch was handled).
    if (lastAdded !== undefined) batch.resolveOffset(lastAdded);
    if (!gate.shouldDispatch) await this.collector.flush();
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
      this.options.emit(
        handlerError('failed to handle message batch', { ...this.options.logData(), ...batchLogData(messages) }, error, commit),
      );
    }
    // Messages are appended in offset order per partition, so one handle lookup per run of one
    // partition suffices (compared field by field: a key string per message costs more).
    let track: PartitionTrack | undefined;
    let topic: string | undefined;
    let partition = -1;
    for (const m of messages) {
      if (track === undefined || m.partition !== partition || m.topic !== topic) {
        topic = m.topic;
        partition = m.partition;
        track = this.options.tracker.partition(topic, partition);
      }
      track.finish(m.offset, commit);
    }
  }
}
