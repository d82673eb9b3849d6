import type { KafkaError, LogData } from '../errors.js';
import type { KafkaMessage } from '../message.js';
import { runWithRequestId } from '../request-context.js';
import { shouldCommit } from './commit-rule.js';
import { handlerError, type DispatchGate } from './dispatch.js';
import { FailureLadder, type FailureSettings } from './failure/failure-ladder.js';
import { callWithin } from './failure/handler-call.js';

/** Handles one message; `workerId` is in 1..numWorkers. */
export type MessageHandler = (message: KafkaMessage, workerId: number) => Promise<void>;

/**
 * Runs one message's handler to its end and answers whether the message may be committed. Every
 * single-message dispatcher (partition order, key order) calls handlers only through this, so
 * what happens around a call (request-id context, error reporting, the commit rule, and failure
 * policies) is the same in every mode. Never rejects. `gate` tells a long wait (a retry back-off)
 * that a stop, close or rebalance began.
 */
export type MessageInvoker = (message: KafkaMessage, workerId: number, gate: DispatchGate) => Promise<boolean>;

/** What {@link createMessageInvoker} needs besides the handler. */
export interface MessageInvokerOptions {
  readonly handler: MessageHandler;
  /** Where handler errors go (the group's error stream). */
  readonly emit: (error: KafkaError) => void;
  /** The group's context (read when an error is built). */
  readonly logData: () => LogData;
  /** The handler's failure policy and time limit; absent = report and commit (dp-kafka's rule). */
  readonly failure?: FailureSettings;
}

/**
 * The invoker of a handler. Without a policy and time limit it is dp-kafka's rule: one call
 * inside the message's request id; an error is reported and decides the commit. With them, a
 * failed call goes through the {@link FailureLadder} (retries, retry topic, last step).
 */
export function createMessageInvoker(options: MessageInvokerOptions): MessageInvoker {
  const { handler, emit, logData, failure } = options;
  const run = (message: KafkaMessage, workerId: number) => {
    const requestId = message.requestId;
    return requestId !== undefined ? runWithRequestId(requestId, () => handler(message, workerId)) : handler(message, workerId);
  };
  if (!failure || (failure.policy.isPlainCommit && failure.handlerTimeoutMs === undefined)) {
    const stats = failure?.services.stats;
    return async (message, workerId) => {
      try {
        await run(message, workerId);
        return true;
      } catch (error) {
        const commit = shouldCommit(error);
        if (stats) {
          stats.counts.failures++;
          if (commit) stats.counts.committedAfterFailure++;
          else stats.counts.heldBack++;
        }
        emit(handlerError('failed to handle message', { ...logData(), ...message.logData(), workerId }, error, commit));
        return commit;
      }
    };
  }
  const ladder = new FailureLadder(failure, emit);
  const { handlerTimeoutMs, services } = failure;
  const details = (message: KafkaMessage, workerId: number) => ({ ...logData(), ...message.logData(), workerId });
  const call = (message: KafkaMessage, workerId: number) =>
    handlerTimeoutMs === undefined
      ? run(message, workerId)
      : callWithin(
          () => run(message, workerId),
          handlerTimeoutMs,
          services.logger,
          () => details(message, workerId),
        );
  // The success path is the plain one (no closure per message without a time limit); the ladder
  // and its closures are built only once a call failed.
  const recover = async (message: KafkaMessage, workerId: number, gate: DispatchGate, error: unknown): Promise<boolean> => {
    const what = 'failed to handle message';
    const outcome = await ladder.retry(error, () => call(message, workerId), gate, what, details(message, workerId), [message]);
    if (outcome.kind === 'succeeded') return true;
    if (outcome.kind === 'held') return false;
    return ladder.lastSteps(message, outcome, gate, what, details(message, workerId));
  };
  return async (message, workerId, gate) => {
    try {
      await call(message, workerId);
      return true;
    } catch (error) {
      return recover(message, workerId, gate, error);
    }
  };
}
