import { encodeAvro, type AvroSchema } from '../avro.js';
import type { AvroValue } from '../avro-schema.js';
import { ConfigChecker } from '../config/validate.js';
import { TransactionRequiredError } from '../errors.js';
import type { ProducerTransaction } from './producer-transaction.js';
import { toJsonValue, toRecordValue, type SendOptions } from './record.js';
import type { TransactionOffsets, TransactionTopicOffsets } from './transactional-sink.js';

const noop = (): void => {};

/** What a {@link TransactionScope} sends through. */
export interface TransactionScopeTarget {
  readonly topic: string;
  readonly transactionalId: string;
  /** Queues one record on the producer's send path. */
  readonly submit: (encode: () => Buffer | string, options: SendOptions | undefined) => Promise<void>;
  /** Adds group offsets to the open transaction. */
  readonly sendOffsets: (offsets: TransactionOffsets) => Promise<void>;
}

const OFFSET = /^(0|[1-9][0-9]{0,18})$/;

/**
 * One transaction's `tx`: records what it sent so the transaction commits only after every send
 * settled, and aborts when one failed (even when the callback caught it). Closed when the
 * callback settles; later calls reject with {@link TransactionRequiredError}.
 */
export class TransactionScope {
  /** The first failure of a send or of `sendOffsets`, if any. */
  failure: unknown = undefined;
  private readonly pending = new Set<Promise<void>>();
  private closed = false;
  readonly tx: ProducerTransaction;

  constructor(private readonly target: TransactionScopeTarget) {
    const { topic } = target;
    this.tx = {
      transactionalId: target.transactionalId,
      send: <S extends AvroSchema>(schema: S, event: AvroValue<S>, options?: SendOptions) =>
        this.track(() => target.submit(() => encodeAvro(schema, event), options)),
      sendBytes: (value, options) => this.track(() => target.submit(() => toRecordValue(topic, value), options)),
      sendJSON: (value, options) => this.track(() => target.submit(() => toJsonValue(topic, value), options)),
      sendOffsets: (offsets) => this.track(() => this.sendOffsets(offsets)),
    };
  }

  /** Refuses further calls; returns once everything already called settled. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(call: () => Promise<void>): Promise<void> {
    if (this.closed) {
      const error = new TransactionRequiredError(this.target.topic, this.target.transactionalId, 'this transaction has ended');
      const refused = Promise.reject(error);
      refused.catch(noop);
      return refused;
    }
    const result = call();
    this.pending.add(result);
    result.then(
      () => this.pending.delete(result),
      (error: unknown) => {
        this.failure ??= error;
        this.pending.delete(result);
      },
    );
    return result;
  }

  private sendOffsets(offsets: TransactionOffsets): Promise<void> {
    try {
      checkOffsets(offsets);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.target.sendOffsets(offsets);
  }
}

/** @throws KafkaConfigError naming every malformed field of `offsets` */
function checkOffsets(offsets: TransactionOffsets): void {
  const checker = new ConfigChecker();
  if (typeof offsets !== 'object' || offsets === null) {
    checker.require(false, 'offsets', 'must be an object { groupId, topics }');
    checker.throwIfAny('transaction offsets');
  }
  checker.nonEmptyString(offsets.groupId, 'groupId');
  const topics: unknown = offsets.topics;
  if (!Array.isArray(topics)) {
    checker.require(false, 'topics', 'must be an array');
  } else {
    (topics as readonly unknown[]).forEach((raw, t) => {
      const entry = raw as Partial<TransactionTopicOffsets> | null | undefined;
      checker.nonEmptyString(entry?.topic, `topics[${t}].topic`);
      const partitions: unknown = entry?.partitions;
      if (!Array.isArray(partitions)) {
        checker.require(false, `topics[${t}].partitions`, 'must be an array');
        return;
      }
      (partitions as readonly unknown[]).forEach((rawPartition, i) => {
        const p = rawPartition as Partial<TransactionTopicOffsets['partitions'][number]> | null | undefined;
        const field = `topics[${t}].partitions[${i}]`;
        const partition = p?.partition;
        const offset = p?.offset;
        checker.require(
          typeof partition === 'number' && Number.isInteger(partition) && partition >= 0,
          `${field}.partition`,
          'must be an integer >= 0',
        );
        checker.require(typeof offset === 'string' && OFFSET.test(offset), `${field}.offset`, 'must be a decimal string >= 0');
      });
    });
  }
  checker.throwIfAny('transaction offsets');
}
