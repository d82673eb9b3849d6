import { HandlerTimeoutError, describeCause, type LogData } from '../../errors.js';
import type { KafkaLogger } from '../../logger.js';

/**
 * Runs one handler call within `timeoutMs` (none when `undefined`). A call that has not settled by
 * then rejects with {@link HandlerTimeoutError}; the handler keeps running (JavaScript cannot
 * cancel it), and its late outcome is ignored and logged once.
 */
export function callWithin(
  call: () => Promise<void>,
  timeoutMs: number | undefined,
  logger: KafkaLogger,
  logData: () => LogData,
): Promise<void> {
  if (timeoutMs === undefined) return call();
  let settled = false;
  let timedOut = false;
  const running = call();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (settled) return;
      timedOut = true;
      reject(new HandlerTimeoutError(timeoutMs, logData()));
    }, timeoutMs);
    running.then(
      () => {
        settled = true;
        clearTimeout(timer);
        if (timedOut) logger.warn('a timed-out handler finished late; its result was ignored', { ...logData(), timeoutMs });
        else resolve();
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        if (timedOut) {
          logger.warn('a timed-out handler failed late; its result was ignored', { ...logData(), timeoutMs, error: describeCause(error) });
        } else reject(error);
      },
    );
  });
}
