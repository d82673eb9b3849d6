import {
  KafkaError,
  KafkaOperationError,
  ProducerFencedError,
  TransactionAbortError,
  TransactionCommitError,
  TransactionTimeoutError,
  describeCause,
} from '../errors.js';
import type { KafkaLogger } from '../logger.js';
import type { ProducerTransaction } from './producer-transaction.js';
import type { SendOptions } from './record.js';
import { TransactionScope } from './transaction-scope.js';
import type { TransactionalSink } from './transactional-sink.js';

const noop = (): void => {};

/** Kafka's answers to a producer whose epoch is no longer the newest of its transactional id. */
const EPOCH_ERRORS: ReadonlySet<string> = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);
/** Their protocol codes, for errors that carry only the code. */
const EPOCH_ERROR_CODES: ReadonlySet<number> = new Set([47, 90]);

/** Options of a {@link TransactionRunner}. */
export interface TransactionRunnerOptions {
  readonly topic: string;
  readonly transactionalId: string;
  readonly transactionTimeoutMs: number;
  readonly sink: TransactionalSink;
  /** Queues one record of the open transaction on the producer's send path. */
  readonly submit: (encode: () => Buffer | string, options: SendOptions | undefined) => Promise<void>;
  /** Why no transaction may start now (closed, not initialised); undefined when one may. */
  readonly refusal: () => KafkaError | undefined;
  /** True once the producer's `close()` began: no reset then, and the sink is disconnected again. */
  readonly isClosed: () => boolean;
  readonly emit: (error: KafkaError) => void;
  readonly logger: KafkaLogger;
  /** Clock, ms (tests). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Runs `producer.transaction(callback)`: one transaction at a time (a second call waits for the
 * first to end, in call order), commit when the callback resolves and every send of the
 * transaction was acknowledged, abort otherwise, and the typed errors of each way it can end.
 *
 * After a failed commit or abort, kafkajs cannot start another transaction on the same producer,
 * and the broker may still hold the transaction open: the sink is reset at once (a new
 * InitProducerId, which completes or aborts what was open), so the producer stays usable.
 * A fenced producer is never reset: that would fence the newer producer in turn.
 */
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private fenced: ProducerFencedError | undefined;
  private scope: TransactionScope | undefined;
  private resetNeeded = false;
  private readonly now: () => number;

  constructor(private readonly options: TransactionRunnerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True while a transaction is open (its callback runs or it is being committed or aborted). */
  get inTransaction(): boolean {
    return this.scope !== undefined;
  }

  /** Set once another producer with the same transactional id fenced this one. */
  get fencedBy(): ProducerFencedError | undefined {
    return this.fenced;
  }

  /** Runs `work` in the next transaction; see the class comment. */
  run<T>(work: (tx: ProducerTransaction) => Promise<T> | T): Promise<T> {
    const result = this.tail.then(() => this.runOne(work));
    this.tail = result.catch(noop);
    return result;
  }

  private async runOne<T>(work: (tx: ProducerTransaction) => Promise<T> | T): Promise<T> {
    if (this.fenced) throw this.fenced;
    const refusal = this.options.refusal();
    if (refusal) throw refusal;
    const { sink, topic, transactionalId } = this.options;
    if (this.resetNeeded) {
      try {
        await sink.reset();
      } catch (cause) {
        throw new KafkaOperationError('failed to re-initialise the kafka transactional producer', { topic, transactionalId }, cause);
      }
      this.resetNeeded = false;
    }
    try {
      await sink.begin();
    } catch (cause) {
      throw this.classify(cause, this.now()) ?? cause;
    }
    const started = this.now();
    const scope = new TransactionScope({
      topic,
      transactionalId,
      submit: this.options.submit,
      sendOffsets: (offsets) => sink.sendOffsets(offsets),
    });
    this.scope = scope;
    try {
      let result: T;
      try {
        result = await work(scope.tx);
      } catch (error) {
        await scope.close();
        throw await this.abort(error, started);
      }
      await scope.close();
      if (scope.failure !== undefined) throw await this.abort(scope.failure, started, true);
      const elapsedMs = this.now() - started;
      if (elapsedMs > this.options.transactionTimeoutMs) {
        throw await this.abort(this.timedOut(elapsedMs), started, true);
      }
      await this.commit(started);
      return result;
    } finally {
      this.scope = undefined;
      // close() ran during the transaction: ending it may have reconnected kafkajs.
      if (this.options.isClosed()) await sink.disconnect().catch(noop);
    }
  }

  private async commit(started: number): Promise<void> {
    try {
      await this.options.sink.commit();
    } catch (cause) {
      const typed = this.classify(cause, started);
      if (typed instanceof ProducerFencedError) throw typed;
      await this.resetAfterFailure();
      const error = typed ?? new TransactionCommitError(this.options.topic, this.options.transactionalId, cause);
      this.options.emit(error);
      throw error;
    }
  }

  /**
   * Aborts the open transaction because of `reason`; returns the error the caller throws: the
   * reason itself (typed when it is a fencing or time-out), or a {@link TransactionAbortError}.
   */
  private async abort(reason: unknown, started: number, typeReason = false): Promise<unknown> {
    const typedReason = typeReason ? (this.classify(reason, started) ?? reason) : reason;
    if (typedReason instanceof ProducerFencedError) return typedReason; // nothing left to abort: the newer producer did
    try {
      await this.options.sink.abort();
      return typedReason;
    } catch (cause) {
      const typed = this.classify(cause, started);
      if (typed instanceof ProducerFencedError) return typed;
      await this.resetAfterFailure();
      if (typed instanceof TransactionTimeoutError) return typedReason; // the broker aborted it already
      const error = new TransactionAbortError(this.options.topic, this.options.transactionalId, reason, cause);
      this.options.emit(error);
      return error;
    }
  }

  /**
   * The typed error of `cause` when the broker refused the producer's epoch: a time-out when the
   * transaction was open longer than `transactionTimeoutMs` (the broker aborted it and bumped the
   * epoch), otherwise a fencing, which is final.
   */
  private classify(cause: unknown, started: number): KafkaError | undefined {
    if (cause instanceof ProducerFencedError || cause instanceof TransactionTimeoutError) return cause;
    if (!hasEpochError(cause)) return undefined;
    const elapsedMs = this.now() - started;
    if (elapsedMs >= this.options.transactionTimeoutMs) {
      this.resetNeeded = true;
      return this.timedOut(elapsedMs, cause);
    }
    if (this.fenced) return this.fenced;
    const { topic, transactionalId } = this.options;
    this.fenced = new ProducerFencedError(topic, transactionalId, cause);
    this.options.emit(this.fenced);
    return this.fenced;
  }

  private timedOut(elapsedMs: number, cause?: unknown): TransactionTimeoutError {
    const { topic, transactionalId, transactionTimeoutMs } = this.options;
    const error = new TransactionTimeoutError(topic, transactionalId, elapsedMs, transactionTimeoutMs, cause);
    this.options.emit(error);
    return error;
  }

  /** Resets the sink now so the broker settles the transaction; on failure, before the next one. */
  private async resetAfterFailure(): Promise<void> {
    if (this.options.isClosed()) return; // a closed producer must not connect again
    try {
      await this.options.sink.reset();
      this.resetNeeded = false;
    } catch (error) {
      this.resetNeeded = true;
      this.options.logger.warn('kafka transactional producer could not re-initialise, will retry before the next transaction', {
        topic: this.options.topic,
        transactionalId: this.options.transactionalId,
        error: describeCause(error),
      });
    }
  }
}

/** True when `cause`, or an error in its cause chain, is Kafka's refusal of the producer epoch. */
function hasEpochError(cause: unknown): boolean {
  for (let current = cause, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const candidate = current as { type?: unknown; code?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof candidate.type === 'string' && EPOCH_ERRORS.has(candidate.type)) return true;
    if (typeof candidate.code === 'number' && EPOCH_ERROR_CODES.has(candidate.code)) return true;
    current = candidate.cause ?? candidate.originalError;
  }
  return false;
}
