import { KafkaOperationError, KafkaTimeoutError, type KafkaError, type LogData } from '../errors.js';
import type { KafkaLogger } from '../logger.js';
import { outcomeWithin } from '../time-limit.js';

/** Options of `close()`. */
export interface ConsumerCloseOptions {
  /** Longest time close may take, ms; past it close resolves and emits a KafkaTimeoutError. Default 30000. */
  readonly timeout?: number;
  /** Run in order after in-flight work drained and before the group is left (dp-kafka's OptFuncs). */
  readonly onClosing?: ReadonlyArray<() => void | Promise<void>>;
}

/** Default time limit of `close()`, ms. */
export const DEFAULT_CONSUMER_CLOSE_TIMEOUT = 30_000;

/** What a consumer group's close sequence works on. */
export interface CloseSteps {
  /** A stop already under way when close began; waited for first. */
  readonly stopping: Promise<void> | undefined;
  /** Waits for in-flight handlers and commits their offsets. */
  readonly drain: () => Promise<void>;
  /** Leaves the group and closes the connections. */
  readonly disconnect: () => Promise<void>;
  readonly emit: (error: KafkaError) => void;
  readonly logger: KafkaLogger;
  /** Context for logs and errors. */
  readonly logData: () => LogData;
}

/**
 * dp-kafka's close order: finish a running stop, drain in-flight work, run the `onClosing` hooks
 * one after the other, then leave the group and disconnect. Every failure is emitted and the
 * sequence goes on; past `timeout` it gives up waiting and emits a {@link KafkaTimeoutError}.
 * Never rejects.
 */
export async function runCloseSequence(steps: CloseSteps, options: ConsumerCloseOptions): Promise<void> {
  const timeout = options.timeout ?? DEFAULT_CONSUMER_CLOSE_TIMEOUT;
  const outcome = await outcomeWithin(closeInOrder(steps, options.onClosing ?? []), timeout);
  if (outcome === 'timeout') {
    steps.emit(new KafkaTimeoutError(`consumer group close did not finish within ${timeout} ms`, { ...steps.logData(), timeout }));
  } else if (outcome !== 'ok') {
    throw outcome.error;
  }
}

async function closeInOrder(steps: CloseSteps, hooks: ReadonlyArray<() => void | Promise<void>>): Promise<void> {
  if (steps.stopping) await steps.stopping;
  await steps.drain();
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      steps.emit(new KafkaOperationError('an onClosing hook failed', steps.logData(), error));
    }
  }
  try {
    await steps.disconnect();
  } catch (error) {
    steps.emit(new KafkaOperationError('error closing the consumer group', steps.logData(), error));
  }
  steps.logger.info('successfully closed kafka consumer group', steps.logData());
}
