import { reachAnyBroker, type ReachabilityProbe } from './reachability.js';
import { retryUntilDone, type RetryLoop } from './retry.js';

/** Options of an {@link Initialiser}. */
export interface InitialiserOptions {
  /** One connection attempt; rejects when the brokers cannot be reached. */
  readonly connect: () => Promise<void>;
  /**
   * Brokers to reach over TCP before each `connect` (see {@link reachAnyBroker}); leave it out
   * when there is no network behind `connect` (in-memory clients).
   */
  readonly probe?: ReachabilityProbe;
  /** The first successful attempt; runs before any waiter is resolved. */
  readonly onConnected: () => void;
  /** An attempt connected after {@link Initialiser.cancel}: release that connection. */
  readonly onLateConnection: () => void;
  /** The error a failed attempt rejects with, made from what the probe or `connect` threw. Default: unchanged. */
  readonly describeFailure?: (cause: unknown) => unknown;
  readonly minRetryPeriod: number;
  readonly maxRetryPeriod: number;
  /** A background attempt failed; the next one comes after `nextDelayMs`. */
  readonly onRetry: (error: unknown, attempt: number, nextDelayMs: number) => void;
}

/**
 * "Initialise until it works", shared by the producer and the consumer group: connection
 * attempts in the background on dp-kafka's retry schedule, a single-flight manual
 * `initialise()`, and waiters for the moment it succeeded. Each attempt first checks that a
 * broker accepts TCP connections, because a kafkajs `connect()` against dead brokers retries
 * internally for seconds and cannot be cancelled: it would delay both the retry schedule and the
 * moment a closed client lets the process exit.
 */
export class Initialiser {
  private loop: RetryLoop | undefined;
  private connecting: Promise<void> | undefined;
  private done = false;
  private cancelled: Error | undefined;
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  constructor(private readonly options: InitialiserOptions) {}

  /** Whether an attempt succeeded. */
  get initialised(): boolean {
    return this.done;
  }

  /** Starts the background attempts (the first one at once). */
  startBackground(): void {
    if (this.done || this.cancelled || this.loop) return;
    this.loop = retryUntilDone({
      attempt: () => this.initialise(),
      minRetryPeriod: this.options.minRetryPeriod,
      maxRetryPeriod: this.options.maxRetryPeriod,
      onFailure: this.options.onRetry,
    });
  }

  /**
   * One attempt now, shared with any attempt already running. Rejects with its (described)
   * error, or with the cancel reason once cancelled.
   */
  initialise(): Promise<void> {
    if (this.done) return Promise.resolve();
    if (this.cancelled) return Promise.reject(this.cancelled);
    this.connecting ??= this.attempt().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Resolves once an attempt succeeded; rejects with the cancel reason if cancelled first. */
  waitUntilDone(): Promise<void> {
    if (this.done) return Promise.resolve();
    if (this.cancelled) return Promise.reject(this.cancelled);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Stops the attempts and fails the waiters with `reason` (no-op once done). */
  cancel(reason: Error): void {
    this.loop?.cancel();
    if (this.done || this.cancelled) return;
    this.cancelled = reason;
    for (const waiter of this.waiters.splice(0)) waiter.reject(reason);
  }

  private async attempt(): Promise<void> {
    try {
      if (this.options.probe) await reachAnyBroker(this.options.probe.brokers, this.options.probe.timeoutMs);
      if (this.cancelled) throw this.cancelled; // cancelled during the probe: do not connect at all
      await this.options.connect();
    } catch (cause) {
      if (cause === this.cancelled) throw cause;
      throw this.options.describeFailure ? this.options.describeFailure(cause) : cause;
    }
    if (this.cancelled) {
      this.options.onLateConnection();
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- an Error; TS narrows it to never (it misses cancel() during the awaits above)
      throw this.cancelled;
    }
    this.done = true; // already true while onConnected runs, so state listeners see it
    this.options.onConnected();
    this.loop?.cancel();
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }
}
