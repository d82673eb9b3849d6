import { MessageHandlerError, type KafkaError, type LogData } from '../errors.js';
import type { KafkaMessage } from '../message.js';
import type { OffsetTracker } from './offset-tracker.js';
import type { PartitionBatch } from './transport.js';

/** Tells a dispatcher whether it may hand out another message. */
export interface DispatchGate {
  /** `false` once a stop, close or rebalance began: finish what runs, start nothing new. */
  readonly shouldDispatch: boolean;
  /**
   * Aborted when `shouldDispatch` turns `false` (the pipeline gives a new one when it opens again).
   * Long waits inside a dispatch (a retry back-off, a dead-letter send retrying) listen to it so
   * a stop, close or rebalance cuts them short and their record stays uncommitted. Optional so
   * that a test's plain `{ shouldDispatch: true }` is still a gate; its waits then end on time only.
   */
  readonly signal?: AbortSignal;
}

/**
 * Turns partition batches into handler calls. The single-message and batch dispatchers are the
 * two built in; a channel-style API can add its own without touching the pipeline.
 */
export interface Dispatcher {
  /**
   * Handles `batch` in order: calls `tracker.start` before and `tracker.done` after each message
   * (through the context) and `batch.resolveOffset` once a message is finished. Never rejects.
   */
  dispatch(batch: PartitionBatch, gate: DispatchGate): Promise<void>;
  /** Hands any held-back messages (a partial batch) to the handler now and waits for them. */
  flush(): Promise<void>;
  /** Partitions were resumed: messages held for them may start (dispatchers that hold any). */
  resumed?(): void;
  /**
   * The member gave its partitions up (a rebalance, stop or close), after their batches ended:
   * dispatchers holding per-partition resources (transactional producers) release them.
   */
  handedOver?(): Promise<void>;
  /** Releases timers. */
  dispose(): void;
}

/** What the built-in dispatchers get from their group besides the handler. */
export interface DispatcherContext {
  readonly tracker: OffsetTracker;
  /** Where handler errors go (the group's error stream). */
  readonly emit: (error: KafkaError) => void;
  /** The group's context (read when an error is built, so it carries the current state). */
  readonly logData: () => LogData;
}

/** What a handler error becomes on the error stream. */
export function handlerError(what: string, logData: LogData, cause: unknown, commit: boolean): MessageHandlerError {
  return new MessageHandlerError(what, { ...logData, commit }, cause);
}

/** Log data of a batch of messages: its size and the partitions it spans. */
export function batchLogData(messages: readonly KafkaMessage[]): LogData {
  const partitions = [...new Set(messages.map((m) => `${m.topic}/${m.partition}`))];
  return { batchSize: messages.length, partitions };
}
