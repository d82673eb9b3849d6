import type { KafkaError } from './errors.js';
import type { KafkaLogger } from './logger.js';

/** A function that receives errors from an {@link ErrorStream}. */
export type ErrorListener = (error: KafkaError) => void;

/**
 * Where asynchronous failures go. Unlike an EventEmitter `'error'` event, emitting with no
 * listener never throws: the error is then written to the fallback logger, so nothing is lost
 * silently and nothing crashes the host app. A throwing listener is isolated from the others.
 */
export class ErrorStream {
  private readonly listeners = new Set<ErrorListener>();

  constructor(private readonly fallbackLogger: KafkaLogger) {}

  /** Subscribes a listener; returns the function that unsubscribes it. */
  on(listener: ErrorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of current listeners. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Delivers an error to every listener, or to the fallback logger when there is none. */
  emit(error: KafkaError): void {
    if (this.listeners.size === 0) {
      this.fallbackLogger.error(error.message, { error: error.name, ...error.logData });
      return;
    }
    for (const listener of this.listeners) {
      try {
        listener(error);
      } catch (listenerError) {
        this.fallbackLogger.error('kafka error listener threw', {
          error: error.message,
          listenerError: listenerError instanceof Error ? listenerError.message : String(listenerError),
        });
      }
    }
  }

  /** Logs every error at error level with its log data and the given context. */
  logTo(logger: KafkaLogger, message: string, context: Record<string, unknown>): () => void {
    return this.on((error) => logger.error(message, { ...context, ...error.logData, error: error.message }));
  }
}
