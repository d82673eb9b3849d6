import { errorLogData, type KafkaError } from './errors.js';
import type { KafkaLogger } from './logger.js';

/** Errors an iteration of an error stream holds for a slow reader, by default (dp-kafka's error channel holds 20). */
export const DEFAULT_ERROR_BUFFER_SIZE = 20;

/** Options of `ErrorStream.iterate()`. */
export interface ErrorIterationOptions {
  /**
   * Most errors held for a reader that is not waiting; a positive integer. Errors past it are
   * written to the fallback logger (never lost silently). Default {@link DEFAULT_ERROR_BUFFER_SIZE}.
   */
  readonly bufferSize?: number;
}

/** What an {@link ErrorIterator} needs from its stream. */
export interface ErrorSource {
  /** Subscribes; returns the unsubscribe function. */
  on(listener: (error: KafkaError) => void): () => void;
  /** Calls `listener` when the stream ends (at once if it has); returns the unsubscribe function. */
  onEnd(listener: () => void): () => void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * One `for await` loop over an error stream. It subscribes when created, buffers up to
 * `bufferSize` errors while the loop body is busy and sends any overflow to the fallback logger.
 * It ends when the loop is left or when the stream ends (its owner closed), after the buffered
 * errors were read.
 */
export class ErrorIterator implements AsyncIterator<KafkaError, undefined> {
  private readonly buffer: KafkaError[] = [];
  private waiting: ((result: IteratorResult<KafkaError, undefined>) => void) | undefined;
  private ended = false;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeEnd: (() => void) | undefined;

  constructor(
    source: ErrorSource,
    private readonly bufferSize: number,
    private readonly fallbackLogger: KafkaLogger,
  ) {
    this.unsubscribe = source.on((error) => this.push(error));
    this.unsubscribeEnd = source.onEnd(() => this.finish());
  }

  next(): Promise<IteratorResult<KafkaError, undefined>> {
    const error = this.buffer.shift();
    if (error) return Promise.resolve({ done: false, value: error });
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve) => {
      // A second concurrent next() takes over: the earlier caller gets "done" rather than hanging.
      this.waiting?.(DONE);
      this.waiting = resolve;
    });
  }

  async return(): Promise<IteratorResult<KafkaError, undefined>> {
    this.finish();
    // Errors held but never read are not lost: they go where unread errors go.
    for (const error of this.buffer.splice(0)) this.overflow(error, 'error iterator closed before reading this error');
    return DONE;
  }

  private push(error: KafkaError): void {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ done: false, value: error });
    } else if (this.buffer.length < this.bufferSize) {
      this.buffer.push(error);
    } else {
      this.overflow(error, `error iterator buffer full (${this.bufferSize}), error logged instead`);
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.unsubscribe();
    this.unsubscribeEnd?.();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(DONE);
  }

  private overflow(error: KafkaError, why: string): void {
    this.fallbackLogger.error(error.message, { ...errorLogData(error), note: why });
  }
}
