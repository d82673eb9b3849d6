/** Counters of a consumer group's failure handling since it was created (`group.failureStats()`). */
export interface FailureStats {
  /** Handler calls that failed (time-outs included), every attempt counted. */
  readonly failures: number;
  /** In-place retries started (handler called again after a back-off). */
  readonly retries: number;
  /** Handler calls that did not settle within `handlerTimeoutMs`. */
  readonly timeouts: number;
  /** Failures that skipped the retries (decode errors, `NonRetryableError`, `isRetryable` false). */
  readonly nonRetryable: number;
  /** Records acknowledged by a dead-letter topic. */
  readonly deadLettered: number;
  /** Records acknowledged by a retry topic. */
  readonly retryTopicForwards: number;
  /** Failed attempts to send a record to a retry or dead-letter topic (each is retried). */
  readonly forwardFailures: number;
  /** Failed records committed without being forwarded (last step `commit`). */
  readonly committedAfterFailure: number;
  /** Failed records left uncommitted: `DoNotCommitError`, or a wait or send cut short by a stop, close or rebalance. */
  readonly heldBack: number;
  /** Times a failure stopped the group (last step `stop`). */
  readonly stopped: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The live counters behind {@link FailureStats}. */
export class FailureCounters {
  readonly counts: Mutable<FailureStats> = {
    failures: 0,
    retries: 0,
    timeouts: 0,
    nonRetryable: 0,
    deadLettered: 0,
    retryTopicForwards: 0,
    forwardFailures: 0,
    committedAfterFailure: 0,
    heldBack: 0,
    stopped: 0,
  };

  /** A copy of the counters now. */
  snapshot(): FailureStats {
    return { ...this.counts };
  }
}
