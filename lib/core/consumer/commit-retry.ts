/** How a failed commit attempt is treated by {@link commitWithRetry}. */
export type CommitFailureKind =
  /** The coordinator moved or its broker is gone: find it again and retry within the generation. */
  | 'coordinator'
  /** Anything else (the generation moved on, an ACL refusal, ...): retrying cannot help. */
  | 'final';

/** Options of {@link commitWithRetry}. */
export interface CommitRetryOptions {
  /** Sorts a failure of {@link send}. */
  readonly classify: (error: unknown) => CommitFailureKind;
  /** Finds the group coordinator again (fresh metadata) before the next attempt. */
  readonly refreshCoordinator: () => Promise<void>;
  /** Gives up (rejecting with the last error) once this much time passed since the first attempt, ms. */
  readonly timeoutMs: number;
  /** First pause between attempts, ms; doubled each time up to {@link maxDelayMs}. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Called before each retry (for logs); must not throw. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/** Default retry settings of a commit: a coordinator move on a graceful broker stop takes seconds. */
export const COMMIT_RETRY_DEFAULTS = { timeoutMs: 15_000, initialDelayMs: 100, maxDelayMs: 2_000 } as const;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends one commit, retrying it while the failure is the coordinator's (moved, not loaded yet, its
 * broker stopped or left the cached metadata): each retry first re-finds the coordinator, then
 * waits a doubling pause. The offsets and the generation stay the same, so a retry can never
 * commit anything the first attempt would not have. Any other failure, or the time limit, rejects
 * with the last error.
 *
 * Why: kafkajs 2.2.4 keeps the coordinator it found at the last JoinGroup (`consumerGroup.coordinator`,
 * and the offset manager's copy); on NOT_COORDINATOR it only refreshes the broker metadata, and a
 * coordinator whose broker left the metadata fails with "Broker N not found in the cached metadata".
 * Until the next rejoin every commit failed, and what they carried was redelivered.
 */
export async function commitWithRetry(send: () => Promise<void>, options: CommitRetryOptions): Promise<void> {
  const started = Date.now();
  let delay = options.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      return;
    } catch (error) {
      if (options.classify(error) !== 'coordinator') throw error;
      if (Date.now() - started + delay > options.timeoutMs) throw error;
      options.onRetry?.(error, attempt);
      await pause(delay);
      delay = Math.min(delay * 2, options.maxDelayMs);
      try {
        await options.refreshCoordinator();
      } catch {
        // not found yet (e.g. the new coordinator is still loading): the next attempt tells
      }
    }
  }
}
