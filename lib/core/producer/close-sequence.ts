import { KafkaConfigError, KafkaOperationError, KafkaTimeoutError, ProducerClosedError, type KafkaError } from '../errors.js';
import { outcomeWithin } from '../time-limit.js';

/** How long `close()` waits for queued records to be acknowledged, by default, ms. */
export const PRODUCER_CLOSE_TIMEOUT_MS = 10_000;

/** How long `close()` waits for kafkajs to disconnect, ms. */
const DISCONNECT_TIMEOUT_MS = 5_000;

/** Options of `KafkaProducer.close`. */
export interface ProducerCloseOptions {
  /** Longest wait for queued and in-flight records, ms. Default {@link PRODUCER_CLOSE_TIMEOUT_MS}. */
  timeout?: number;
}

/**
 * The close timeout `options` ask for (default {@link PRODUCER_CLOSE_TIMEOUT_MS}).
 *
 * @throws KafkaConfigError when it is not a finite number >= 0
 */
export function closeTimeoutOf(options: ProducerCloseOptions): number {
  const timeout = options.timeout ?? PRODUCER_CLOSE_TIMEOUT_MS;
  if (!(typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 0)) {
    throw new KafkaConfigError('producer close', [{ field: 'timeout', problem: 'must be a number >= 0' }]);
  }
  return timeout;
}

/** What a producer's close sequence works on. */
export interface ProducerCloseSteps {
  readonly topic: string;
  /** Whether the producer was connected: only then can queued records be flushed. */
  readonly wasInitialised: boolean;
  /** The send queue: flushed, and aborted when that takes too long. */
  readonly queue: {
    drain(): Promise<void>;
    abort(error: KafkaError): number;
    rejectWaiters(error: KafkaError): number;
  };
  /** Closes the connection to the brokers. */
  readonly disconnect: () => Promise<void>;
  readonly emit: (error: KafkaError) => void;
}

/**
 * Flushes the queue within `timeout` (past it, rejects what is left with a {@link KafkaTimeoutError}),
 * rejects any send still waiting for room, then disconnects within {@link DISCONNECT_TIMEOUT_MS}.
 * Every failure is emitted once, never dropped; never rejects.
 */
export async function flushAndDisconnect(steps: ProducerCloseSteps, timeout: number): Promise<void> {
  const { topic, queue, emit } = steps;
  if (steps.wasInitialised && (await outcomeWithin(queue.drain(), timeout)) === 'timeout') {
    const error = new KafkaTimeoutError(
      `kafka producer for topic ${topic} could not get its queued records acknowledged within ${timeout} ms of close`,
      { topic, timeoutMs: timeout },
    );
    if (queue.abort(error) > 0) emit(error);
  }
  // Normally none are left (the drain admits them all); never drop one silently.
  const stranded = new ProducerClosedError(topic);
  if (queue.rejectWaiters(stranded) > 0) emit(stranded);
  const disconnected = await outcomeWithin(steps.disconnect(), DISCONNECT_TIMEOUT_MS);
  if (disconnected !== 'ok') {
    const cause = disconnected === 'timeout' ? `disconnect took longer than ${DISCONNECT_TIMEOUT_MS} ms` : disconnected.error;
    emit(new KafkaOperationError('error closing kafka producer', { topic }, cause));
  }
}
