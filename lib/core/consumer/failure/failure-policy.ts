/**
 * The shape of a consumer group's failure policy (issue 16). Contract shared by the in-place
 * failure handling and the retry topics; validation and defaults are in `failure-config.ts`.
 */

/** What finally happens to a record whose handler failed and whose retries (if any) ran out. */
export type FailureAction = 'commit' | 'deadLetter' | 'stop';

/** What a failed batch handler does once the batch's in-place retries ran out. */
export type BatchFailureMode = 'whole' | 'isolate';

/**
 * Back-off of in-place retries: the record's partition (or key) waits, others go on. Defaults:
 * `initialMs` 200, `multiplier` 2, `maxMs` 10000, `jitter` 0.2 ({@link RETRY_BACKOFF_DEFAULTS}).
 */
export interface RetryBackoff {
  /** Handler calls after the first failure (an integer >= 0). */
  attempts: number;
  /** First wait, ms. Default 200. */
  initialMs?: number;
  /** Longest wait, ms. Default 10000. */
  maxMs?: number;
  /** Each wait is the previous one times this (>= 1). Default 2. */
  multiplier?: number;
  /** Random share (0..1) taken off or added to each wait, so members do not retry in step. Default 0.2. */
  jitter?: number;
}

/** Defaults of the optional {@link RetryBackoff} fields. */
export const RETRY_BACKOFF_DEFAULTS = {
  initialMs: 200,
  maxMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
} as const;

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
  /** Dead-letter topic; default `<topic>.DLT` (the record's original topic). */
  deadLetterTopic?: string;
  /** `false` skips the retries for this error (decoding errors and `NonRetryableError` are never retried). */
  isRetryable?: (error: unknown) => boolean;
  /**
   * Batch handlers only: once a failed batch's in-place retries ran out, `'whole'` (default) sends
   * every record of the batch to the next step (retry topic or last step); `'isolate'` calls the
   * handler again one record at a time (the same policy applies to each), so only the records that
   * fail on their own move on.
   */
  batchFailure?: BatchFailureMode;
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
