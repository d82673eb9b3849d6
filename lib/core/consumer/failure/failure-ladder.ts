import type { KafkaError, LogData } from '../../errors.js';
import type { KafkaLogger } from '../../logger.js';
import type { KafkaMessage } from '../../message.js';
import { shouldCommit } from '../commit-rule.js';
import { handlerError, type DispatchGate } from '../dispatch.js';
import { backoffDelay } from './backoff.js';
import { notRetryableReason } from './classify.js';
import type { ResolvedFailurePolicy } from './failure-config.js';
import type { FailureForwarder } from './failure-forwarder.js';
import type { FailureCounters } from './failure-stats.js';
import { forwardedRecord } from './forward-record.js';
import { waitWhileOpen } from './gate-wait.js';
import { HandlerTimeoutError } from '../../errors.js';
import { deadLetterTopicOf, nextRetryTopic } from './retry-topics.js';

/** What the failure handling of a group shares across its handlers. */
export interface FailureServices {
  readonly groupName: string;
  readonly stats: FailureCounters;
  /** The group's forwarder; present whenever a registered policy forwards records. */
  readonly forwarder: () => FailureForwarder | undefined;
  /** Asks the group to stop (last step `stop`); does not wait. */
  readonly requestStop: () => void;
  readonly logger: KafkaLogger;
  /** Shows a failure-handling step of a record in its trace (absent without telemetry). */
  readonly trace?: (message: KafkaMessage, step: FailureStep, error: unknown, details?: Record<string, string | number>) => void;
}

/** The failure-handling steps a trace shows. */
export type FailureStep = 'retry' | 'retry_topic' | 'dead_letter' | 'commit_after_failure' | 'stop';

/** The failure handling of one handler: its policy and time limit, and the group's services. */
export interface FailureSettings {
  readonly policy: ResolvedFailurePolicy;
  readonly handlerTimeoutMs: number | undefined;
  readonly services: FailureServices;
}

/** How the in-place retries of a failed call ended. */
export type RetryOutcome =
  | { readonly kind: 'succeeded' }
  /** Leave the records uncommitted: `DoNotCommitError`, or the wait was cut short by a stop, close or rebalance. */
  | { readonly kind: 'held' }
  /** Still failing (or not retryable): the records go to their next step. */
  | FailedOutcome;

/** A call still failing after its in-place retries (or not retryable). */
export interface FailedOutcome {
  readonly kind: 'failed';
  /** The latest failure. */
  readonly error: unknown;
  readonly retryable: boolean;
  /** When the first call failed, ms since the epoch (the `kcn-first-failure-timestamp` of a forwarded record). */
  readonly firstFailedAt: number;
}

/**
 * The steps after a handler failed (README, "When a handler fails"): in-place retries with
 * back-off while the gate is open, then the next retry topic, then the policy's last step
 * (`commit`, `deadLetter`, `stop`). Every failed call is reported on the group's error stream.
 */
export class FailureLadder {
  constructor(
    private readonly settings: FailureSettings,
    private readonly emit: (error: KafkaError) => void,
    private readonly random: () => number = Math.random,
  ) {}

  /** The policy this ladder runs. */
  get policy(): ResolvedFailurePolicy {
    return this.settings.policy;
  }

  /**
   * In-place retries of a failed call. `call` runs the handler once more (with its time limit);
   * `logData` describes the record(s) for reports.
   */
  async retry(
    firstError: unknown,
    call: () => Promise<void>,
    gate: DispatchGate,
    what: string,
    logData: LogData,
    records: readonly KafkaMessage[] = [],
  ): Promise<RetryOutcome> {
    const { policy, services } = this.settings;
    const { stats } = services;
    const firstFailedAt = Date.now();
    let error = firstError;
    for (let calls = 1; ; calls++) {
      stats.counts.failures++;
      if (error instanceof HandlerTimeoutError) stats.counts.timeouts++;
      if (!shouldCommit(error)) {
        stats.counts.heldBack++;
        this.report(what, { ...logData, attempt: calls, next: 'hold (do not commit)' }, error, false);
        return { kind: 'held' };
      }
      const reason = notRetryableReason(error, policy);
      if (reason !== undefined) stats.counts.nonRetryable++;
      const retry = policy.retry;
      if (reason !== undefined || retry === undefined || calls > retry.attempts) {
        return { kind: 'failed', error, retryable: reason === undefined, firstFailedAt };
      }
      const waitMs = backoffDelay(calls, retry, this.random);
      this.report(what, { ...logData, attempt: calls, next: `retry in ${waitMs} ms` }, error, false);
      for (const record of records)
        services.trace?.(record, 'retry', error, { 'kafka_channels.retry.attempt': calls + 1, 'kafka_channels.retry.wait_ms': waitMs });
      if (!(await waitWhileOpen(waitMs, gate))) {
        stats.counts.heldBack++;
        services.logger.info('retry wait cut short by a stop, close or rebalance; the record stays uncommitted', logData);
        return { kind: 'held' };
      }
      stats.counts.retries++;
      try {
        await call();
        return { kind: 'succeeded' };
      } catch (next) {
        error = next;
      }
    }
  }

  /**
   * The steps after the in-place retries for one record: its next retry topic (when the error is
   * retryable), else the last step. Resolves whether its offset may be committed.
   */
  async lastSteps(message: KafkaMessage, failed: FailedOutcome, gate: DispatchGate, what: string, logData: LogData): Promise<boolean> {
    const { policy, services } = this.settings;
    const { stats } = services;
    const { error, retryable, firstFailedAt } = failed;
    const now = Date.now();
    const hop = retryable ? nextRetryTopic(message, policy.retryTopics) : undefined;
    if (hop) {
      this.report(what, { ...logData, next: `retry topic ${hop.topic}` }, error, true);
      services.trace?.(message, 'retry_topic', error, { 'kafka_channels.failure.target': hop.topic });
      const record = forwardedRecord(message, { error, groupName: services.groupName, now, firstFailedAt, dueAt: now + hop.delayMs });
      const sent = await this.forward(hop.topic, record, gate, logData);
      if (sent) stats.counts.retryTopicForwards++;
      return sent;
    }
    switch (policy.then) {
      case 'commit':
        stats.counts.committedAfterFailure++;
        this.report(what, { ...logData, next: 'commit' }, error, true);
        services.trace?.(message, 'commit_after_failure', error);
        return true;
      case 'stop':
        stats.counts.stopped++;
        this.report(what, { ...logData, next: 'stop the group' }, error, false);
        services.trace?.(message, 'stop', error);
        services.requestStop();
        return false;
      case 'deadLetter': {
        const topic = deadLetterTopicOf(message, policy.deadLetterTopic);
        this.report(what, { ...logData, next: `dead-letter topic ${topic}` }, error, true);
        services.trace?.(message, 'dead_letter', error, { 'kafka_channels.failure.target': topic });
        const sent = await this.forward(
          topic,
          forwardedRecord(message, { error, groupName: services.groupName, now, firstFailedAt }),
          gate,
          logData,
        );
        if (sent) stats.counts.deadLettered++;
        return sent;
      }
    }
  }

  private async forward(topic: string, record: ReturnType<typeof forwardedRecord>, gate: DispatchGate, logData: LogData): Promise<boolean> {
    const { stats } = this.settings.services;
    const forwarder = this.settings.services.forwarder();
    if (!forwarder) {
      // Cannot happen with a policy registered through the group; keep the record rather than lose it.
      stats.counts.heldBack++;
      this.settings.services.logger.error('no failure forwarder for a forwarding policy; the record stays uncommitted', logData);
      return false;
    }
    const sent = await forwarder.forward(topic, record, gate, logData);
    if (!sent) stats.counts.heldBack++;
    return sent;
  }

  private report(what: string, logData: LogData, error: unknown, commit: boolean): void {
    this.emit(handlerError(what, logData, error, commit));
  }
}
