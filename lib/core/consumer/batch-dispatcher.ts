import type { KafkaMessage } from '../message.js';
import { BatchCollector } from './batch-collector.js';
import { shouldCommit } from './commit-rule.js';
import { batchLogData, handlerError, type DispatchGate, type Dispatcher, type DispatcherContext } from './dispatch.js';
import { FailureLadder, type FailureSettings } from './failure/failure-ladder.js';
import { callWithin } from './failure/handler-call.js';
import type { PartitionTrack } from './offset-tracker.js';
import type { PartitionBatch } from './transport.js';

/** Handles a batch of messages, possibly from several partitions, each partition in order. */
export type BatchHandler = (messages: KafkaMessage[]) => Promise<void>;

/** Options of a {@link BatchDispatcher}. */
export interface BatchDispatcherOptions extends DispatcherContext {
  readonly handler: BatchHandler;
  readonly batchSize: number;
  readonly batchWaitTime: number;
  /** The handler's failure policy and time limit; absent = report and commit (dp-kafka's rule). */
  readonly failure?: FailureSettings;
}

/** Until a dispatch passed the pipeline's gate: closed, so waits end at once. */
const NO_GATE: DispatchGate = { shouldDispatch: false };

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
  private readonly ladder: FailureLadder | undefined;
  // The pipeline's gate (the same object on every dispatch), for the waits of a batch's retries.
  private gate: DispatchGate = NO_GATE;

  constructor(private readonly options: BatchDispatcherOptions) {
    const { failure } = options;
    this.ladder =
      failure && !(failure.policy.isPlainCommit && failure.handlerTimeoutMs === undefined)
        ? new FailureLadder(failure, options.emit)
        : undefined;
    this.collector = new BatchCollector<KafkaMessage>({
      size: options.batchSize,
      waitTime: options.batchWaitTime,
      handle: (messages) => this.invoke(messages),
    });
  }

  async dispatch(batch: PartitionBatch, gate: DispatchGate): Promise<void> {
    this.gate = gate;
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
    const commits = this.ladder ? await this.invokeWithPolicy(messages, this.ladder) : await this.invokePlain(messages);
    // Messages are appended in offset order per partition, so one handle lookup per run of one
    // partition suffices (compared field by field: a key string per message costs more).
    let track: PartitionTrack | undefined;
    let topic: string | undefined;
    let partition = -1;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      if (track === undefined || m.partition !== partition || m.topic !== topic) {
        topic = m.topic;
        partition = m.partition;
        track = this.options.tracker.partition(topic, partition);
      }
      track.finish(m.offset, typeof commits === 'boolean' ? commits : commits[i]!);
    }
  }

  /** dp-kafka's rule: one call; an error is reported and decides the commit of the whole batch. */
  private async invokePlain(messages: KafkaMessage[]): Promise<boolean> {
    const stats = this.options.failure?.services.stats;
    try {
      await this.options.handler([...messages]);
      return true;
    } catch (error) {
      const commit = shouldCommit(error);
      if (stats) {
        stats.counts.failures++;
        if (commit) stats.counts.committedAfterFailure += messages.length;
        else stats.counts.heldBack += messages.length;
      }
      this.options.emit(
        handlerError('failed to handle message batch', { ...this.options.logData(), ...batchLogData(messages) }, error, commit),
      );
      return commit;
    }
  }

  /**
   * With a failure policy: the batch is retried as a whole; then every record goes to its next
   * step (`batchFailure: 'whole'`), or each record is handled alone with the same policy
   * (`'isolate'`). Returns the commit decision of the whole batch, or of each record.
   */
  private async invokeWithPolicy(messages: KafkaMessage[], ladder: FailureLadder): Promise<boolean | boolean[]> {
    const gate = this.gate;
    const { handlerTimeoutMs, services } = this.options.failure!;
    const what = 'failed to handle message batch';
    const details = (list: readonly KafkaMessage[]) => ({ ...this.options.logData(), ...batchLogData(list) });
    const call = (list: KafkaMessage[]) => () =>
      callWithin(
        () => this.options.handler([...list]),
        handlerTimeoutMs,
        services.logger,
        () => details(list),
      );
    try {
      await call(messages)();
      return true;
    } catch (error) {
      const outcome = await ladder.retry(error, call(messages), gate, what, details(messages), messages);
      if (outcome.kind !== 'failed') return outcome.kind === 'succeeded';
      const commits: boolean[] = [];
      for (const m of messages) {
        const logData = { ...this.options.logData(), ...m.logData() };
        if (ladder.policy.batchFailure === 'whole') {
          commits.push(await ladder.lastSteps(m, outcome, gate, what, logData));
          continue;
        }
        const single = call([m]);
        try {
          await single();
          commits.push(true);
        } catch (recordError) {
          const alone = await ladder.retry(recordError, single, gate, 'failed to handle a record of a failed batch alone', logData, [m]);
          commits.push(
            alone.kind === 'failed'
              ? // The record's first failure is the batch's.
                await ladder.lastSteps(
                  m,
                  { ...alone, firstFailedAt: outcome.firstFailedAt },
                  gate,
                  'failed to handle a record of a failed batch alone',
                  logData,
                )
              : alone.kind === 'succeeded',
          );
        }
      }
      return commits;
    }
  }
}
