import type { KafkaError, LogData } from '../errors.js';
import { KafkaOperationError } from '../errors.js';
import { getRetryTime } from '../retry.js';
import { asAuthorizationError } from '../security/authorization.js';

/** Options of a {@link CrashRecovery}. */
export interface CrashRecoveryOptions {
  readonly minRetryPeriod: number;
  readonly maxRetryPeriod: number;
  /** Whether the restart is still wanted when its pause ends (the group is still starting). */
  readonly isRestartWanted: () => boolean;
  /** Reconnects and runs again; reports its own failure as the next crash. */
  readonly restart: () => void;
  readonly emit: (error: KafkaError) => void;
  /** Context for the emitted errors. */
  readonly logData: () => LogData;
}

/**
 * What the consumer group does after consumption crashed: emit the error (a
 * `KafkaAuthorizationError` for a broker refusal, else a `KafkaOperationError`), pause on the
 * `getRetryTime` schedule, then restart. Consecutive crashes back off further until
 * {@link reset} (a successful start or group join).
 */
export class CrashRecovery {
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CrashRecoveryOptions) {}

  /** Reports `error` and schedules the restart after the next back-off pause. */
  crashed(error: unknown): void {
    const attempt = ++this.attempt;
    const delay = getRetryTime(attempt, this.options.minRetryPeriod, this.options.maxRetryPeriod);
    const message = 'error consuming, will retry';
    const logData = { ...this.options.logData(), attempt, nextDelayMs: delay };
    // An ACL refusal is typed, so the group's health reports CRITICAL until the next join.
    this.options.emit(asAuthorizationError(error, message, logData) ?? new KafkaOperationError(message, logData, error));
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.options.isRestartWanted()) this.options.restart();
    }, delay);
  }

  /** Consumption is healthy again: the next crash starts the back-off from the beginning. */
  reset(): void {
    this.attempt = 0;
  }

  /** Drops a scheduled restart (stop or close). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
