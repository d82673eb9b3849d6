import type { ErrorHub } from '../error-stream.js';
import type { KafkaAuthorizationError, KafkaError } from '../errors.js';
import { asAuthorizationError } from './authorization.js';

/**
 * Remembers the latest authorization failure of a producer or consumer group until the client
 * proves it is allowed again, so a health check can report CRITICAL while the broker refuses it.
 * It observes the owner's error stream (without silencing the fallback logger) and call {@link clear} after a successful send,
 * fetch or group join.
 */
export class AuthorizationStatus {
  private latest: KafkaAuthorizationError | undefined;
  private readonly unsubscribe: () => void;

  /**
   * @param errors - the owner's error stream; authorization failures on it are recorded
   * @param ignore - errors of the stream not to record (e.g. a refusal on one partition the owner works around)
   */
  constructor(errors?: ErrorHub, ignore: (error: KafkaError) => boolean = () => false) {
    this.unsubscribe = errors ? errors.observe((error) => (ignore(error) ? undefined : this.record(error))) : () => undefined;
  }

  /** Records `error` when it is (or wraps) an authorization failure; anything else leaves the status as it is. */
  record(error: unknown): void {
    this.latest = asAuthorizationError(error, error instanceof Error ? error.message : 'not authorized') ?? this.latest;
  }

  /** Forgets the failure: the client was allowed since. */
  clear(): void {
    this.latest = undefined;
  }

  /** The latest authorization failure not yet cleared, if any. */
  get failure(): KafkaAuthorizationError | undefined {
    return this.latest;
  }

  /** Stops listening to the error stream. */
  dispose(): void {
    this.unsubscribe();
  }
}
