import type { KafkaError, LogData } from '../errors.js';
import { KafkaOperationError } from '../errors.js';
import type { KafkaLogger } from '../logger.js';
import { getRetryTime } from '../retry.js';
import { asAuthorizationError } from '../security/authorization.js';
import { TRANSIENT_GRACE_MS, transientKafkaJsError } from '../transient-kafkajs-errors.js';
import type { FetchStallWatch } from './fetch-stall.js';

/** Options of a {@link CrashRecovery}. */
export interface CrashRecoveryOptions {
  readonly minRetryPeriod: number;
  readonly maxRetryPeriod: number;
  /** Whether the restart is still wanted when its pause ends (the group is still starting). */
  readonly isRestartWanted: () => boolean;
  /** Reconnects and runs again; reports its own failure as the next crash. */
  readonly restart: () => void;
  readonly emit: (error: KafkaError) => void;
  /** Where repeats of a reported cause (and transient causes in their grace period) are logged, at debug. */
  readonly logger: KafkaLogger;
  /** The group's fetch failure episodes: a crash is the fetch loop failing. */
  readonly watch: FetchStallWatch;
  /** Context for the emitted errors. */
  readonly logData: () => LogData;
}

/**
 * What the consumer group does after consumption crashed: report the error, pause on the
 * `getRetryTime` schedule, then restart. Crashes back off further until {@link reset}, which the
 * group calls once the fetch loop works again (records flowed or a fetch came back), not on a
 * mere group join: a member whose fetch fails right after each join keeps backing off.
 *
 * Reporting is once per episode and cause: the first crash with a cause is emitted (a
 * `KafkaAuthorizationError` for a broker refusal, else a `KafkaOperationError`); repeats are
 * debug. A kafkajs error that resolves on its own while a cluster settles (a topic just
 * auto-created, a group forming) is debug for the first {@link TRANSIENT_GRACE_MS} of the episode
 * and reported once after that, so a normal first start logs nothing above info.
 */
export class CrashRecovery {
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Transient causes kept quiet so far in this episode (reported once if the episode outlives the grace). */
  private readonly quieted = new Set<string>();

  constructor(private readonly options: CrashRecoveryOptions) {}

  /** Reports `error` (once per episode and cause) and schedules the restart after the next back-off pause. */
  crashed(error: unknown): void {
    const attempt = ++this.attempt;
    const delay = getRetryTime(attempt, this.options.minRetryPeriod, this.options.maxRetryPeriod);
    const message = 'error consuming, will retry';
    const outcome = this.options.watch.loopFailed(error);
    const logData = { ...this.options.logData(), attempt, nextDelayMs: delay, failingForMs: outcome.failingForMs };
    const transient = transientKafkaJsError(error instanceof Error ? error.message : String(error), undefined);
    const inGrace = transient !== undefined && outcome.failingForMs < TRANSIENT_GRACE_MS;
    const report = inGrace ? false : outcome.firstOfCause || (transient !== undefined && this.quieted.delete(transient));
    if (inGrace) this.quieted.add(transient);
    if (report) {
      // An ACL refusal is typed, so the group's health reports CRITICAL until the next join.
      this.options.emit(asAuthorizationError(error, message, logData) ?? new KafkaOperationError(message, logData, error));
    } else {
      this.options.logger.debug(`${message} (${inGrace ? 'transient, in its grace period' : 'already reported in this episode'})`, {
        ...logData,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.options.isRestartWanted()) this.options.restart();
    }, delay);
  }

  /** The fetch loop works again (or a fresh start): the episode ends and the next crash backs off from the beginning. */
  reset(): void {
    this.attempt = 0;
    this.quieted.clear();
    this.options.watch.loopRecovered();
  }

  /** Drops a scheduled restart (stop or close). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
