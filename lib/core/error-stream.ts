import { DEFAULT_ERROR_BUFFER_SIZE, ErrorIterator, type ErrorIterationOptions } from './error-iterator.js';
import { ConfigChecker } from './config/validate.js';
import { describeCause, errorLogData, type KafkaError, type LogData } from './errors.js';
import type { KafkaLogger } from './logger.js';

/** A function that receives errors from an {@link ErrorStream}. */
export type ErrorListener = (error: KafkaError) => void;

/**
 * Where asynchronous failures go. Unlike an EventEmitter `'error'` event, emitting with no
 * subscriber never throws: the error is then written to the fallback logger, so nothing is lost
 * silently and nothing crashes the host app. A subscriber (an {@link on} listener, a `for await`
 * loop, the owner's `logErrors()`) takes over from the fallback logger while it is subscribed;
 * each error is logged at most once. A throwing listener is isolated from the others.
 */
export class ErrorStream implements AsyncIterable<KafkaError> {
  private readonly listeners = new Set<ErrorListener>();
  private readonly observers = new Set<ErrorListener>();
  private readonly endListeners = new Set<() => void>();
  private ended = false;

  constructor(private readonly fallbackLogger: KafkaLogger) {}

  /** Subscribes a listener; returns the function that unsubscribes it. */
  on(listener: ErrorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Watches every error without subscribing: the fallback logger still logs when there is no
   * subscriber. For the library's own bookkeeping (e.g. the authorization status a health check
   * reads), which must not silence the logs. Returns the function that stops watching.
   */
  observe(observer: ErrorListener): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Number of current subscribers (listeners and `for await` loops; observers do not count). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Delivers an error to every observer, then to every listener, or to the fallback logger when there is none. */
  emit(error: KafkaError): void {
    for (const observer of this.observers) this.deliver(observer, error);
    if (this.listeners.size === 0) {
      this.fallbackLogger.error(error.message, errorLogData(error));
      return;
    }
    for (const listener of this.listeners) this.deliver(listener, error);
  }

  private deliver(listener: ErrorListener, error: KafkaError): void {
    try {
      listener(error);
    } catch (listenerError) {
      this.fallbackLogger.error('kafka error listener threw', {
        error: error.message,
        listenerError: describeCause(listenerError),
      });
    }
  }

  /**
   * The errors as an async iterable: `for await (const error of stream.iterate())`. Each loop
   * gets every error emitted from when it starts; up to `bufferSize` wait while its body is busy
   * and any overflow goes to the fallback logger. Loops end when the owner closes ({@link end}).
   *
   * @throws KafkaConfigError when `bufferSize` is not a positive integer
   */
  iterate(options: ErrorIterationOptions = {}): AsyncIterable<KafkaError> {
    const checker = new ConfigChecker();
    checker.knownKeys(options, ['bufferSize']);
    checker.positive(options.bufferSize, 'bufferSize', { integer: true });
    checker.throwIfAny('error iteration');
    const bufferSize = options.bufferSize ?? DEFAULT_ERROR_BUFFER_SIZE;
    return { [Symbol.asyncIterator]: () => new ErrorIterator(this, bufferSize, this.fallbackLogger) };
  }

  /** `for await (const error of group.errors)`: {@link iterate} with the default buffer. */
  [Symbol.asyncIterator](): AsyncIterator<KafkaError, undefined> {
    return new ErrorIterator(this, DEFAULT_ERROR_BUFFER_SIZE, this.fallbackLogger);
  }

  /** Calls `listener` when the stream ends (at once if it has); returns the unsubscribe function. */
  onEnd(listener: () => void): () => void {
    if (this.ended) {
      listener();
      return () => false;
    }
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /**
   * Ends every async iteration (once its buffered errors are read); called by the owner's
   * `close()`. `on` listeners keep receiving whatever is emitted later.
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const listener of [...this.endListeners]) listener();
    this.endListeners.clear();
  }

  /**
   * Subscribes a listener that logs every error at error level: `message`, then the owner's
   * context as it is when the error arrives, the error's log data, its message and cause.
   * Returns the unsubscribe function (the fallback logger takes over again).
   */
  logTo(logger: KafkaLogger, message: string, context: () => LogData): () => void {
    return this.on((error) => logger.error(message, { ...context(), ...errorLogData(error), error: error.message }));
  }
}
