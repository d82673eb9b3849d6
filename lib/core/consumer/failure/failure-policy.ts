/**
 * The shape of a consumer group's failure policy (issue 16). Contract shared by the in-place
 * failure handling and the retry topics; validation and defaults live with the implementation.
 */

/** What finally happens to a record whose handler failed and whose retries (if any) ran out. */
export type FailureAction = 'commit' | 'deadLetter' | 'stop';

/** Back-off of in-place retries: the record's partition (or key) waits, others go on. */
export interface RetryBackoff {
  /** Handler calls after the first failure. */
  attempts: number;
  /** First wait, ms. */
  initialMs?: number;
  /** Longest wait, ms. */
  maxMs?: number;
  /** Each wait is the previous one times this. */
  multiplier?: number;
  /** Random share (0..1) taken off or added to each wait, so members do not retry in step. */
  jitter?: number;
}

/** What a consumer group (or one handler) does when a handler fails. */
export interface FailurePolicy {
  /** Retry in place first. */
  retry?: RetryBackoff;
  /**
   * Delays (ms) of non-blocking retry topics, in order: `[1000, 10000]` forwards a failed record to
   * `<topic>.retry-1000`, then `<topic>.retry-10000`. Order per key is given up for retried records.
   */
  retryTopics?: readonly number[];
  /** The last step, once retries ran out or were skipped. Default `commit` (dp-kafka's behaviour). */
  then?: FailureAction;
  /** Dead-letter topic; default `<topic>.DLT`. */
  deadLetterTopic?: string;
  /** `false` skips the retries for this error (decoding errors and `NonRetryableError` are never retried). */
  isRetryable?: (error: unknown) => boolean;
}

/** A policy, or only its last step (`'deadLetter'` = no retries, then dead-letter). */
export type OnHandlerError = FailureAction | FailurePolicy;

/** Name of the retry topic of `topic` for a delay, e.g. `orders.retry-1000`. */
export function retryTopicName(topic: string, delayMs: number): string {
  return `${topic}.retry-${delayMs}`;
}

/** Default dead-letter topic of `topic`, e.g. `orders.DLT`. */
export function deadLetterTopicName(topic: string): string {
  return `${topic}.DLT`;
}
