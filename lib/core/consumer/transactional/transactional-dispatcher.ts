import { ProducerFencedError } from '../../errors.js';
import type { KafkaMessage } from '../../message.js';
import type { ProducerTransaction } from '../../producer/producer-transaction.js';
import { runWithRequestId } from '../../request-context.js';
import { handlerError, type DispatchGate, type Dispatcher, type DispatcherContext } from '../dispatch.js';
import { backoffDelay } from '../failure/backoff.js';
import { waitWhileOpen } from '../failure/gate-wait.js';
import type { PartitionBatch } from '../transport.js';
import type { PartitionOutput, PartitionOutputs } from './partition-output.js';
import { runInTransaction } from './transaction-context.js';
import type { ResolvedTransactionalOptions, TransactionalHandler } from './transactional-options.js';

/** Pause before declining a batch of a fenced partition, so kafkajs does not spin on it until the rebalance. */
const FENCED_PAUSE_MS = 100;

/** A handler call that failed, at `index` of the transaction's records (thrown to abort the transaction). */
class HandlerFailure extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super('the handler failed; the transaction is aborted');
  }
}

/** The state of one assigned input partition. */
interface PartitionSlot {
  readonly output: PartitionOutput;
  /** Set once the producer is initialised and the committed offset was read after it. */
  ready?: Promise<bigint | undefined>;
  /** A newer producer took the id: the partition moved; nothing more until the next hand-over. */
  fenced: boolean;
}

/** Options of a {@link TransactionalDispatcher}. */
export interface TransactionalDispatcherOptions extends Pick<DispatcherContext, 'emit' | 'logData'> {
  readonly handler: TransactionalHandler;
  readonly settings: ResolvedTransactionalOptions;
  readonly outputs: PartitionOutputs;
  readonly groupName: string;
  /** Stops the group (`onError: 'stop'`). */
  readonly requestStop: () => void;
}

/**
 * The consume-transform-produce mode (docs/exactly-once.md): each input partition has its own
 * transactional producer (id `<prefix>-<group>-<topic>-<partition>`, option A in docs/NOTES.md).
 * The records of a partition batch are handled in transactions of at most `maxRecords` records
 * or `maxMs`; each ends with the group offset after its last record and commits, so the output
 * and the offsets become visible together. The plain commit path never sees these records (the
 * tracker is not told), so no offset moves outside a transaction.
 */
export class TransactionalDispatcher implements Dispatcher {
  private readonly slots = new Map<string, PartitionSlot>();

  constructor(private readonly options: TransactionalDispatcherOptions) {}

  async dispatch(batch: PartitionBatch, gate: DispatchGate): Promise<void> {
    const slot = this.slot(batch.topic, batch.partition);
    if (slot.fenced) {
      await waitWhileOpen(FENCED_PAUSE_MS, gate);
      return;
    }
    let committedUpTo: bigint | undefined;
    try {
      // Initialise first, then read: InitProducerId returns only once the previous holder's
      // transaction ended, so the offset read now is final (no KIP-447 `require_stable` needed).
      committedUpTo = await (slot.ready ??= this.prepare(slot, batch.topic, batch.partition));
    } catch (error) {
      slot.ready = undefined;
      this.report('failed to initialise the transactional producer of a partition', batch, error);
      await waitWhileOpen(FENCED_PAUSE_MS, gate);
      return;
    }
    // Records below the committed offset were handled by the previous owner in a committed transaction.
    let records = batch.messages.filter((m) => committedUpTo === undefined || BigInt(m.offset) >= committedUpTo);
    const skipped = batch.messages.length - records.length;
    if (skipped > 0) batch.resolveOffset(batch.messages[skipped - 1]!.offset);
    let attempt = 0;
    while (records.length > 0 && gate.shouldDispatch) {
      const outcome = await this.runTransaction(slot, batch, records, gate);
      if (outcome === 'fenced' || outcome === 'failed') return;
      if (typeof outcome === 'number') {
        batch.resolveOffset(records[outcome - 1]!.offset);
        records = records.slice(outcome);
        attempt = 0;
        continue;
      }
      // A handler failed: the records before it go again, in a transaction of their own.
      if (outcome.index > 0) {
        const prefix = await this.runTransaction(slot, batch, records.slice(0, outcome.index), gate);
        if (typeof prefix !== 'number') return;
        batch.resolveOffset(records[prefix - 1]!.offset);
        records = records.slice(prefix);
        if (prefix < outcome.index) continue;
      }
      attempt++;
      const next = await this.afterFailure(slot, batch, records[0]!, outcome.error, attempt, gate);
      if (next === 'retry') continue;
      if (next === 'skipped') {
        batch.resolveOffset(records[0]!.offset);
        records = records.slice(1);
        attempt = 0;
        continue;
      }
      return;
    }
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** The partitions were handed over (their batches ended, so no transaction is open): closes their producers. */
  async handedOver(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.allSettled(slots.map((slot) => slot.output.close()));
  }

  dispose(): void {
    void this.handedOver().then(() => this.options.outputs.close());
  }

  private slot(topic: string, partition: number): PartitionSlot {
    const key = `${topic}\u0000${partition}`;
    let slot = this.slots.get(key);
    if (!slot) {
      const { settings, groupName } = this.options;
      slot = { output: this.options.outputs.create(`${settings.transactionalIdPrefix}-${groupName}-${topic}-${partition}`), fenced: false };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private async prepare(slot: PartitionSlot, topic: string, partition: number): Promise<bigint | undefined> {
    await slot.output.waitUntilInitialised();
    const committed = await this.options.outputs.committed(topic, partition);
    return committed === undefined ? undefined : BigInt(committed);
  }

  /**
   * One transaction over the first records of `records`, bounded by `maxRecords`, `maxMs` and the
   * gate. Answers how many were handled and committed, the handler failure that aborted it, or
   * that the transaction failed (reported) or the producer was fenced.
   */
  private async runTransaction(
    slot: PartitionSlot,
    batch: PartitionBatch,
    records: readonly KafkaMessage[],
    gate: DispatchGate,
  ): Promise<number | HandlerFailure | 'fenced' | 'failed'> {
    const { maxRecords, maxMs } = this.options.settings;
    try {
      return await slot.output.transaction(async (tx) => {
        const began = Date.now();
        let handled = 0;
        while (handled < records.length && handled < maxRecords && (handled === 0 || (gate.shouldDispatch && Date.now() - began < maxMs))) {
          const message = records[handled]!;
          try {
            await this.call(message, tx);
          } catch (error) {
            throw new HandlerFailure(handled, error);
          }
          handled++;
        }
        await tx.sendOffsets(this.offsets(batch, records[handled - 1]!));
        return handled;
      });
    } catch (error) {
      if (error instanceof HandlerFailure) return error;
      return this.transactionFailed(slot, batch, error);
    }
  }

  /** What follows a failed record once the records before it are committed: retry, skip (commit its offset) or stop. */
  private async afterFailure(
    slot: PartitionSlot,
    batch: PartitionBatch,
    message: KafkaMessage,
    error: unknown,
    attempt: number,
    gate: DispatchGate,
  ): Promise<'retry' | 'skipped' | 'stopped'> {
    const { retry, then, isRetryable } = this.options.settings.policy;
    const retryable = retry !== undefined && attempt <= retry.attempts && (isRetryable?.(error) ?? true);
    if (retryable) {
      const waited = await waitWhileOpen(backoffDelay(attempt, retry), gate);
      return waited ? 'retry' : 'stopped';
    }
    const commit = then === 'commit';
    this.options.emit(
      handlerError(
        'failed to handle message in a transaction',
        { ...this.options.logData(), ...message.logData(), attempts: attempt },
        error,
        commit,
      ),
    );
    if (!commit) {
      this.options.requestStop();
      return 'stopped';
    }
    try {
      await slot.output.transaction((tx) => tx.sendOffsets(this.offsets(batch, message)));
      return 'skipped';
    } catch (failure) {
      this.transactionFailed(slot, batch, failure);
      return 'stopped';
    }
  }

  private transactionFailed(slot: PartitionSlot, batch: PartitionBatch, error: unknown): 'fenced' | 'failed' {
    if (error instanceof ProducerFencedError) {
      slot.fenced = true;
      this.report('the transactional producer of a partition was fenced: the partition moved to another member', batch, error);
      return 'fenced';
    }
    // Whether a failed commit reached the broker is unknown: the next batch reads the committed offset again.
    slot.ready = undefined;
    this.report('a transaction of the consume-transform-produce handler failed; its records are handled again', batch, error);
    return 'failed';
  }

  private call(message: KafkaMessage, tx: ProducerTransaction): Promise<void> {
    const { handler } = this.options;
    const requestId = message.requestId;
    const call = () => runInTransaction(tx, () => handler(message, tx));
    return requestId !== undefined ? runWithRequestId(requestId, call) : call();
  }

  private offsets(batch: PartitionBatch, last: KafkaMessage) {
    const offset = (BigInt(last.offset) + 1n).toString();
    return { groupId: this.options.groupName, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }] };
  }

  private report(what: string, batch: PartitionBatch, cause: unknown): void {
    this.options.emit(handlerError(what, { ...this.options.logData(), topic: batch.topic, partition: batch.partition }, cause, false));
  }
}
