/**
 * kafkajs gives a failed produce request `retryMax` quick retries (under a second at the
 * defaults, 3 from 100 ms) and then rejects the whole batch. A leader fail-over takes longer: the
 * controller fences a SIGKILLed broker after its session times out and only then elects new
 * leaders (3-4.5 s in chaos C3). The producer therefore sends a batch again, until its
 * `deliveryTimeoutMs`, when the failure is one that such a fail-over or restart explains.
 */

/**
 * kafkajs error names that a broker coming back, a new leader being elected or fresh metadata
 * can cure. Checked by name because kafkajs does not export every class from its entry point;
 * a unit test builds each from kafkajs' own `errors.js` so a rename there fails it.
 */
export const PASSING_KAFKAJS_ERRORS: ReadonlySet<string> = new Set([
  // Refused, reset or closed: the broker is down, restarting or was just fenced.
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  // No answer within requestTimeout (a frozen broker). The batch may have been written: sending it
  // again can write it twice, like any at-least-once retry.
  'KafkaJSRequestTimeoutError',
  // The metadata does not name a live leader yet.
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);

interface NamedError {
  readonly name?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
}

/**
 * The kafkajs errors that only wrap another: its retrier gives up with
 * `KafkaJSNumberOfRetriesExceeded(cause)`, and an outer retrier meeting that (the producer's, around
 * the cluster's connect retries) rejects with `KafkaJSNonRetriableError` carrying the same cause.
 */
const WRAPPERS: ReadonlySet<string> = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']);

/**
 * Whether a batch whose `sendBatch` rejected with `cause` may succeed if sent again later. True for
 * connection failures, request time-outs, missing leaders and the broker's retriable protocol
 * errors (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, NOT_ENOUGH_REPLICAS, ...), also inside
 * kafkajs' wrappers. False for everything else: refusals (authorization, record too large, invalid
 * record), kafkajs' own non-retriable errors and any error kafkajs did not make.
 */
export function sendFailureMayPass(cause: unknown): boolean {
  let error = asNamed(cause);
  for (let depth = 0; error && WRAPPERS.has(String(error.name)) && depth < 5; depth++) error = asNamed(error.cause);
  if (error === undefined || typeof error.name !== 'string') return false;
  if (PASSING_KAFKAJS_ERRORS.has(error.name)) return true;
  return error.name === 'KafkaJSProtocolError' && error.retriable === true;
}

function asNamed(value: unknown): NamedError | undefined {
  return typeof value === 'object' && value !== null ? (value as NamedError) : undefined;
}
