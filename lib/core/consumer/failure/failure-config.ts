import { ConfigChecker, optionNames } from '../../config/validate.js';
import {
  RETRY_BACKOFF_DEFAULTS,
  type BatchFailureMode,
  type FailureAction,
  type FailurePolicy,
  type OnHandlerError,
  type RetryBackoff,
} from './failure-policy.js';

/** A failure policy with its defaults applied; what the failure handling runs on. */
export interface ResolvedFailurePolicy {
  /** In-place retries; `undefined` when there are none (`attempts` 0 or no `retry`). */
  readonly retry: Readonly<Required<RetryBackoff>> | undefined;
  /** Retry-topic delays, ms, in order (empty: none). */
  readonly retryTopics: readonly number[];
  readonly then: FailureAction;
  /** Explicit dead-letter topic; `undefined` = `<original topic>.DLT`. */
  readonly deadLetterTopic: string | undefined;
  readonly isRetryable: ((error: unknown) => boolean) | undefined;
  readonly batchFailure: BatchFailureMode;
  /** Whether records may be sent somewhere (dead letter or retry topic): the group then needs its forwarder. */
  readonly forwards: boolean;
  /** `true` for today's behaviour (commit at once, no retries): the invoker takes its fast path. */
  readonly isPlainCommit: boolean;
}

/** Options a handler is registered with (`registerHandler(handler, options)`); they override the group's. */
export interface HandlerOptions {
  /** What happens when this handler fails. Default: the group's `onError`. */
  onError?: OnHandlerError;
  /** Time limit of one handler call, ms. Default: the group's `handlerTimeoutMs` (none). */
  handlerTimeoutMs?: number;
}

/** The option names of {@link HandlerOptions}. */
export const HANDLER_OPTION_NAMES = optionNames<HandlerOptions>({ onError: true, handlerTimeoutMs: true });

/** The option names of {@link FailurePolicy}. */
export const POLICY_KEYS = optionNames<FailurePolicy>({
  retry: true,
  retryTopics: true,
  then: true,
  deadLetterTopic: true,
  isRetryable: true,
  batchFailure: true,
});
/** The option names of {@link RetryBackoff}. */
export const BACKOFF_KEYS = optionNames<RetryBackoff>({ attempts: true, initialMs: true, maxMs: true, multiplier: true, jitter: true });
const ACTIONS: readonly FailureAction[] = ['commit', 'deadLetter', 'stop'];
const BATCH_MODES: readonly BatchFailureMode[] = ['whole', 'isolate'];
// Kafka's own rule for topic names.
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** dp-kafka's behaviour: report, then commit. */
export const COMMIT_POLICY: ResolvedFailurePolicy = Object.freeze({
  retry: undefined,
  retryTopics: Object.freeze([]),
  then: 'commit',
  deadLetterTopic: undefined,
  isRetryable: undefined,
  batchFailure: 'whole',
  forwards: false,
  isPlainCommit: true,
});

/** Records every problem of an `onError` value (a {@link FailureAction} or a {@link FailurePolicy}). */
export function checkOnHandlerError(checker: ConfigChecker, value: unknown, field = 'onError'): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    checker.oneOf(value, ACTIONS, field);
    return;
  }
  if (
    !checker.require(
      typeof value === 'object' && value !== null && !Array.isArray(value),
      field,
      `must be one of ${ACTIONS.join(', ')} or a policy object`,
    )
  ) {
    return;
  }
  const policy = value as Partial<Record<keyof FailurePolicy, unknown>>;
  checker.knownKeys(policy, POLICY_KEYS, `${field}.`);
  checkBackoff(checker, policy.retry, `${field}.retry`);
  checkRetryTopics(checker, policy.retryTopics, `${field}.retryTopics`);
  checker.oneOf(policy.then, ACTIONS, `${field}.then`);
  if (policy.deadLetterTopic !== undefined) {
    checker.require(
      typeof policy.deadLetterTopic === 'string' && TOPIC_NAME.test(policy.deadLetterTopic),
      `${field}.deadLetterTopic`,
      'must be a topic name: 1-249 characters of a-z, A-Z, 0-9, ".", "_" or "-"',
    );
  }
  if (policy.isRetryable !== undefined) {
    checker.require(typeof policy.isRetryable === 'function', `${field}.isRetryable`, 'must be a function (error) => boolean');
  }
  checker.oneOf(policy.batchFailure, BATCH_MODES, `${field}.batchFailure`);
}

/** Records a bad `handlerTimeoutMs` (a number > 0 when present). */
export function checkHandlerTimeout(checker: ConfigChecker, value: unknown, field = 'handlerTimeoutMs'): void {
  checker.positive(value, field);
}

/**
 * Validates a handler's registration options.
 *
 * @throws KafkaConfigError naming every bad field
 */
export function checkHandlerOptions(options: unknown): void {
  if (options === undefined) return;
  const checker = new ConfigChecker();
  if (checker.require(typeof options === 'object' && options !== null && !Array.isArray(options), 'options', 'must be an object')) {
    const o = options as Partial<Record<keyof HandlerOptions, unknown>>;
    checker.knownKeys(o, HANDLER_OPTION_NAMES);
    checkOnHandlerError(checker, o.onError);
    checkHandlerTimeout(checker, o.handlerTimeoutMs);
  }
  checker.throwIfAny('handler options');
}

/** Applies the defaults to a validated `onError` value (`undefined` = commit). */
export function resolveFailurePolicy(value: OnHandlerError | undefined): ResolvedFailurePolicy {
  if (value === undefined || value === 'commit') return COMMIT_POLICY;
  const policy: FailurePolicy = typeof value === 'string' ? { then: value } : value;
  const retry =
    policy.retry && policy.retry.attempts > 0
      ? Object.freeze({
          attempts: policy.retry.attempts,
          initialMs: policy.retry.initialMs ?? RETRY_BACKOFF_DEFAULTS.initialMs,
          maxMs: policy.retry.maxMs ?? Math.max(RETRY_BACKOFF_DEFAULTS.maxMs, policy.retry.initialMs ?? 0),
          multiplier: policy.retry.multiplier ?? RETRY_BACKOFF_DEFAULTS.multiplier,
          jitter: policy.retry.jitter ?? RETRY_BACKOFF_DEFAULTS.jitter,
        })
      : undefined;
  const retryTopics = Object.freeze([...(policy.retryTopics ?? [])]);
  const then = policy.then ?? 'commit';
  return Object.freeze({
    retry,
    retryTopics,
    then,
    deadLetterTopic: policy.deadLetterTopic,
    isRetryable: policy.isRetryable,
    batchFailure: policy.batchFailure ?? 'whole',
    forwards: then === 'deadLetter' || retryTopics.length > 0,
    isPlainCommit: retry === undefined && retryTopics.length === 0 && then === 'commit',
  });
}

function checkBackoff(checker: ConfigChecker, value: unknown, field: string): void {
  if (value === undefined) return;
  if (
    !checker.require(typeof value === 'object' && value !== null && !Array.isArray(value), field, 'must be an object ({ attempts, … })')
  ) {
    return;
  }
  const b = value as Partial<Record<keyof RetryBackoff, unknown>>;
  checker.knownKeys(b, BACKOFF_KEYS, `${field}.`);
  if (b.attempts === undefined) checker.require(false, `${field}.attempts`, 'is required (an integer >= 0)');
  else checker.positive(b.attempts, `${field}.attempts`, { integer: true, allowZero: true });
  checker.positive(b.initialMs, `${field}.initialMs`);
  checker.positive(b.maxMs, `${field}.maxMs`);
  if (b.multiplier !== undefined) {
    checker.require(
      typeof b.multiplier === 'number' && Number.isFinite(b.multiplier) && b.multiplier >= 1,
      `${field}.multiplier`,
      'must be a number >= 1',
    );
  }
  if (b.jitter !== undefined) {
    checker.require(typeof b.jitter === 'number' && b.jitter >= 0 && b.jitter <= 1, `${field}.jitter`, 'must be a number from 0 to 1');
  }
  if (typeof b.initialMs === 'number' && typeof b.maxMs === 'number' && b.initialMs > 0 && b.maxMs > 0) {
    checker.require(b.initialMs <= b.maxMs, `${field}.initialMs`, 'must be smaller than or equal to maxMs');
  }
}

function checkRetryTopics(checker: ConfigChecker, value: unknown, field: string): void {
  if (value === undefined) return;
  if (!checker.require(Array.isArray(value), field, 'must be an array of delays in ms (positive integers)')) return;
  const delays = value as unknown[];
  delays.forEach((d, i) => checker.positive(d, `${field}[${i}]`, { integer: true }));
  const distinct = new Set(delays);
  checker.require(distinct.size === delays.length, field, 'must not repeat a delay (each names its own topic)');
}
