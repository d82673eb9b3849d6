import { ConsumerState } from '../consumer/state.js';
import { ConfigChecker, optionNames } from '../config/validate.js';
import type { ErrorStream } from '../error-stream.js';
import { KafkaOperationError } from '../errors.js';
import type { KafkaLogger } from '../logger.js';
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- imported for the {@link} in the TSDoc below
import type { KafkaHealthChecker } from './health-checker.js';
import { HEALTH_STATUSES, type HealthReport, type HealthStatus } from './health-types.js';
import { withDeadline } from '../time-limit.js';
import { HealthHysteresis, type HealthAction } from './hysteresis.js';

/** Anything with a health `checker()`: a producer, a consumer group. */
export interface HealthCheckable {
  /** The current health report (a producer's or group's `checker()`). */
  checker(): Promise<HealthReport>;
}

/** Anything with a `check()` returning a report, e.g. a {@link HealthChecker} from {@link createHealthChecker}. */
export interface HealthReportSource {
  /** The current health report. */
  check(): Promise<HealthReport>;
}

/**
 * What a subscription follows: `'self'` (the group's own brokers and topics, through its
 * `checker()`), anything with a `checker()` (e.g. the producer the group writes to) or a
 * `check()` (a `HealthChecker` from `createHealthChecker`), or any function resolving to a status or a report.
 */
export type HealthSource = 'self' | HealthCheckable | HealthReportSource | (() => Promise<HealthStatus | HealthReport>);

/** The consumer-group surface a subscription drives (KafkaConsumerGroup fits it). */
export interface HealthSubscriber {
  /** The consumer group id (in logs and errors). */
  readonly groupName: string;
  /** Where the subscription reports a failing source or a failed start or stop. */
  readonly errors: ErrorStream;
  /** The group's current state. */
  readonly state: ConsumerState;
  /** Called when the source turns healthy. */
  start(): Promise<void>;
  /** Called when the source turns unhealthy (`onUnhealthy: 'stop'`). */
  stop(): Promise<void>;
  /** Called when the source turns unhealthy with `onUnhealthy: 'pause'`: stop fetching, stay in the group. */
  pause?(): Promise<void>;
  /** Called when the source turns healthy again with `onUnhealthy: 'pause'`. */
  resume?(): void;
  /** Lets the subscription follow the group (it ends when the group closes). */
  onStateChange(listener: (state: ConsumerState, previous: ConsumerState) => void): () => void;
  /** The group's own health (used by the `'self'` source). */
  checker?(): Promise<HealthReport>;
}

/** Timing and hysteresis of a health subscription. */
export interface HealthSubscriptionOptions {
  /** Pause between two evaluations of the source, ms. Default 2000. */
  interval?: number;
  /** Consecutive OK results needed to start the group. Default 1. */
  upAfter?: number;
  /** Consecutive WARNING/CRITICAL results needed to stop the group. Default 1. */
  downAfter?: number;
  /** An evaluation not settled within this many ms counts as CRITICAL. Default 10000. */
  evaluationTimeout?: number;
  /** Where start/stop decisions are logged (info). Default: not logged. */
  logger?: KafkaLogger;
  /**
   * What an unhealthy source does to the group. `'stop'` (default, dp-kafka's): the group stops
   * and leaves the consumer group (its partitions go to the other members). `'pause'`: it stops
   * fetching but stays a member (no rebalance), and resumes when the source is OK again; choose
   * it when the source is shared by every member (a database, a downstream service), where
   * stopping would make the whole group rebalance twice for nothing. See README.
   */
  onUnhealthy?: 'stop' | 'pause';
}

/** Defaults of {@link subscribeToHealth}. */
export const HEALTH_SUBSCRIPTION_DEFAULTS = {
  interval: 2_000,
  upAfter: 1,
  downAfter: 1,
  evaluationTimeout: 10_000,
  onUnhealthy: 'stop',
} as const;

/** The option names of {@link HealthSubscriptionOptions}. */
export const HEALTH_SUBSCRIPTION_OPTION_NAMES = optionNames<HealthSubscriptionOptions>({
  interval: true,
  upAfter: true,
  downAfter: true,
  evaluationTimeout: true,
  logger: true,
  onUnhealthy: true,
});

/** Stops a health subscription. Calling it again does nothing. */
export type HealthUnsubscribe = () => void;

/**
 * Makes a consumer group follow a health source (dp-kafka's `OnHealthUpdate`, with a poller of
 * its own because nothing pushes health here): OK → `start()`, WARNING or CRITICAL → `stop()`,
 * each after `upAfter` / `downAfter` consecutive results; with `onUnhealthy: 'pause'`,
 * WARNING or CRITICAL → `pause()` and OK → `resume()` (and `start()` the first time). The poller keeps running while the
 * group is stopped, so the group restarts when health returns; it ends when the group closes
 * or the returned function is called. start/stop failures go to the group's error stream and
 * are retried on the next qualifying result; nothing here throws after subscription.
 *
 * Do not call `start()`/`stop()` by hand on a subscribed group: the subscription would fight it.
 */
export function subscribeToHealth(
  group: HealthSubscriber,
  source: HealthSource,
  options: HealthSubscriptionOptions = {},
): HealthUnsubscribe {
  const opts = resolveSubscriptionOptions(group, source, options);
  const evaluate = toEvaluator(group, source);
  const hysteresis = new HealthHysteresis(opts.upAfter, opts.downAfter);
  let active = true;
  let timer: NodeJS.Timeout | undefined;
  let sourceFailing = false;

  const unsubscribe = (): void => {
    if (!active) return;
    active = false;
    clearTimeout(timer);
    stopWatchingState();
  };
  const stopWatchingState = group.onStateChange((state) => {
    if (state === ConsumerState.Closing) unsubscribe();
  });

  const pausing = opts.onUnhealthy === 'pause';
  const act = (action: HealthAction, status: HealthStatus): void => {
    const verb = pausing ? (action === 'start' ? 'resume' : 'pause') : action;
    options.logger?.info(`kafka health subscription: ${verb} consumer group on ${status}`, { group: group.groupName, status });
    let pending: Promise<void>;
    try {
      if (!pausing) pending = action === 'start' ? group.start() : group.stop();
      else if (action === 'stop') pending = group.pause!();
      else {
        group.resume!();
        pending = group.start(); // the first OK starts it; later ones find it running
      }
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.catch((error: unknown) => {
      hysteresis.forgetDecision();
      if (!active) return;
      const what =
        action === 'start'
          ? `error ${pausing ? 'resuming' : 'starting'} consumer-group on a healthy state report`
          : `error ${pausing ? 'pausing' : 'stopping'} consumer-group on a ${status.toLowerCase()} state report`;
      group.errors.emit(new KafkaOperationError(what, { group: group.groupName, status }, error));
    });
  };

  const tick = async (): Promise<void> => {
    let status: HealthStatus;
    try {
      status = await withDeadline(evaluate(), opts.evaluationTimeout, `health source did not answer within ${opts.evaluationTimeout} ms`);
      sourceFailing = false;
    } catch (error) {
      status = 'CRITICAL';
      // Report a failing source once per failing run, not on every tick.
      if (!sourceFailing && active) {
        group.errors.emit(new KafkaOperationError('health source failed; treated as CRITICAL', { group: group.groupName }, error));
      }
      sourceFailing = true;
    }
    if (!active || group.state === ConsumerState.Closing) return unsubscribe();
    const action = hysteresis.observe(status);
    if (action) act(action, status);
  };

  const loop = (): void => {
    void tick().finally(() => {
      if (!active) return;
      timer = setTimeout(loop, opts.interval);
      timer.unref();
    });
  };
  // First evaluation at once (on the next turn), so a group waiting for health is not delayed.
  timer = setTimeout(loop, 0);
  timer.unref();
  return unsubscribe;
}

function resolveSubscriptionOptions(
  group: HealthSubscriber,
  source: HealthSource,
  options: HealthSubscriptionOptions,
): Required<Omit<HealthSubscriptionOptions, 'logger'>> {
  const checker = new ConfigChecker();
  checker.knownKeys(options, HEALTH_SUBSCRIPTION_OPTION_NAMES);
  checker.positive(options.interval, 'interval');
  checker.positive(options.upAfter, 'upAfter', { integer: true });
  checker.positive(options.downAfter, 'downAfter', { integer: true });
  checker.positive(options.evaluationTimeout, 'evaluationTimeout');
  checker.oneOf(options.onUnhealthy, ['stop', 'pause'], 'onUnhealthy');
  if (options.onUnhealthy === 'pause') {
    checker.require(
      typeof group.pause === 'function' && typeof group.resume === 'function',
      'onUnhealthy',
      "'pause' needs a group with pause() and resume()",
    );
  }
  const validSource =
    (source === 'self' && typeof group.checker === 'function') ||
    typeof source === 'function' ||
    (typeof source === 'object' &&
      source !== null &&
      ('checker' in source ? typeof source.checker === 'function' : typeof source.check === 'function'));
  checker.require(validSource, 'source', "must be 'self' (on a group with checker()), an object with checker() or check(), or a function");
  checker.throwIfAny('health subscription');
  return {
    interval: options.interval ?? HEALTH_SUBSCRIPTION_DEFAULTS.interval,
    upAfter: options.upAfter ?? HEALTH_SUBSCRIPTION_DEFAULTS.upAfter,
    downAfter: options.downAfter ?? HEALTH_SUBSCRIPTION_DEFAULTS.downAfter,
    evaluationTimeout: options.evaluationTimeout ?? HEALTH_SUBSCRIPTION_DEFAULTS.evaluationTimeout,
    onUnhealthy: options.onUnhealthy ?? HEALTH_SUBSCRIPTION_DEFAULTS.onUnhealthy,
  };
}

function toEvaluator(group: HealthSubscriber, source: HealthSource): () => Promise<HealthStatus> {
  const read: () => Promise<HealthStatus | HealthReport> =
    source === 'self'
      ? () => group.checker!()
      : typeof source === 'function'
        ? source
        : 'checker' in source
          ? () => source.checker()
          : () => source.check();
  return async () => {
    const result = await read();
    const status = typeof result === 'string' ? result : result?.status;
    if (!HEALTH_STATUSES.includes(status)) throw new Error(`health source returned an unknown status: ${String(status)}`);
    return status;
  };
}
