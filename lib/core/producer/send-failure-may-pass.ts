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
 * Whether a batch whose `sendBatch` rejected with `cause` may succeed if sent again later. True for
 * connection failures, request time-outs, missing leaders and the broker's retriable protocol
 * errors (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, NOT_ENOUGH_REPLICAS, ...), also when
 * kafkajs wraps them in `KafkaJSNumberOfRetriesExceeded`. False for everything else: refusals
 * (authorization, record too large, invalid record), kafkajs' own non-retriable errors and any
 * error kafkajs did not make.
 */
export function sendFailureMayPass(cause: unknown): boolean {
  const error = asNamed(cause);
  const inner = error?.name === 'KafkaJSNumberOfRetriesExceeded' ? asNamed(error.cause) : error;
  if (inner === undefined || typeof inner.name !== 'string') return false;
  if (PASSING_KAFKAJS_ERRORS.has(inner.name)) return true;
  return inner.name === 'KafkaJSProtocolError' && inner.retriable === true;
}

function asNamed(value: unknown): NamedError | undefined {
  return typeof value === 'object' && value !== null ? (value as NamedError) : undefined;
}
