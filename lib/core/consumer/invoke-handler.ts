import type { KafkaError, LogData } from '../errors.js';
import type { KafkaMessage } from '../message.js';
import { runWithRequestId } from '../request-context.js';
import { shouldCommit } from './commit-rule.js';
import { handlerError, type DispatchGate } from './dispatch.js';

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
}

/** Today's rule: one call inside the message's request id; an error is reported and decides the commit. */
export function createMessageInvoker(options: MessageInvokerOptions): MessageInvoker {
  const { handler, emit, logData } = options;
  return async (message, workerId) => {
    try {
      const requestId = message.requestId;
      if (requestId !== undefined) {
        await runWithRequestId(requestId, () => handler(message, workerId));
      } else {
        await handler(message, workerId);
      }
      return true;
    } catch (error) {
      const commit = shouldCommit(error);
      emit(handlerError('failed to handle message', { ...logData(), ...message.logData(), workerId }, error, commit));
      return commit;
    }
  };
}
