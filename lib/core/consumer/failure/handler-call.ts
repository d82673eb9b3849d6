import { HandlerTimeoutError, describeCause, type LogData } from '../../errors.js';
import type { KafkaLogger } from '../../logger.js';
import { outcomeWithin } from '../../time-limit.js';

/**
 * Runs one handler call within `timeoutMs` (none when `undefined`). A call that has not settled by
 * then rejects with {@link HandlerTimeoutError}; the handler keeps running (JavaScript cannot
 * cancel it), and its late outcome is ignored and logged once.
 */
export async function callWithin(
  call: () => Promise<void>,
  timeoutMs: number | undefined,
  logger: KafkaLogger,
  logData: () => LogData,
): Promise<void> {
  if (timeoutMs === undefined) return call();
  const running = call();
  const outcome = await outcomeWithin(running, timeoutMs);
  if (outcome === 'ok') return;
  if (outcome !== 'timeout') throw outcome.error;
  running.then(
    () => logger.warn('a timed-out handler finished late; its result was ignored', { ...logData(), timeoutMs }),
    (error: unknown) =>
      logger.warn('a timed-out handler failed late; its result was ignored', { ...logData(), timeoutMs, error: describeCause(error) }),
  );
  throw new HandlerTimeoutError(timeoutMs, logData());
}
