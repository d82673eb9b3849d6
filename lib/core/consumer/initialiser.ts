import { retryUntilDone, type RetryLoop } from '../retry.js';

/** Options of an {@link Initialiser}. */
export interface InitialiserOptions {
  /** One connection attempt; rejects when the brokers cannot be reached. */
  readonly connect: () => Promise<void>;
  /** Called after a successful attempt; returns `false` to refuse it (the owner is closing). */
  readonly onConnected: () => boolean;
  readonly minRetryPeriod: number;
  readonly maxRetryPeriod: number;
  /** A background attempt failed; the next one comes after `nextDelayMs`. */
  readonly onRetry: (error: unknown, attempt: number, nextDelayMs: number) => void;
}

/**
 * "Initialise until it works": connection attempts in the background on dp-kafka's retry
 * schedule, a single-flight manual `initialise()`, and waiters for the moment it succeeded.
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

  /** One attempt now, shared with any attempt already running. Rejects with its error. */
  initialise(): Promise<void> {
    if (this.done) return Promise.resolve();
    if (this.cancelled) return Promise.reject(this.cancelled);
    this.connecting ??= this.options
      .connect()
      .then(() => this.succeeded())
      .finally(() => (this.connecting = undefined));
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

  private succeeded(): void {
    if (this.done) return;
    this.done = true; // already true while onConnected runs, so state listeners see it
    if (!this.options.onConnected()) {
      this.done = false;
      return;
    }
    this.loop?.cancel();
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }
}
