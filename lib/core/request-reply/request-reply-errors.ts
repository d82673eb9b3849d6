import { KafkaError } from '../errors.js';

/** A request got no (final) reply within its time-out. The request may still be handled by the server. */
export class RequestTimeoutError extends KafkaError {
  constructor(topic: string, correlationId: string, timeoutMs: number) {
    super(`no reply to the request on ${topic} within ${timeoutMs} ms (correlation id ${correlationId})`, {
      topic,
      correlationId,
      timeoutMs,
    });
  }
}

/**
 * A request cannot be sent or answered because this instance holds no partition of its reply
 * topic: the reply topic was never subscribed, the reply group has not been assigned one of its
 * partitions (more client instances than reply partitions), or the partition a pending request
 * named moved to another instance in a rebalance (its reply would reach that instance, which
 * ignores it, so the request fails now instead of timing out).
 */
export class ReplyPartitionUnavailableError extends KafkaError {}

/** A request was made, or was still waiting for its reply, when the client closed. */
export class RequestClientClosedError extends KafkaError {
  constructor(what: string) {
    super(`the request-reply client is closed: ${what}`);
  }
}

/**
 * The replier's handler failed: its reply carried the error header (`kafka_nest-err`).
 * `remoteError` is the header's text as the replier wrote it (JSON for an object, e.g. an
 * `RpcException`'s error or `{ status: 'error', message: 'Internal server error' }`).
 */
export class RemoteHandlerError extends KafkaError {
  constructor(
    topic: string,
    correlationId: string,
    /** The replier's error, as written on the error header. */
    readonly remoteError: string,
  ) {
    super(`the handler of the request on ${topic} failed: ${remoteError}`, { topic, correlationId });
  }
}
