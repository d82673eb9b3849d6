import { KafkaError, type LogData } from '../errors.js';

/**
 * Throw (or reject with) this from a handler to leave the message's offset uncommitted, so the
 * group reads it again after a restart or rebalance. Any other error still commits (the message
 * counts as consumed), as in dp-kafka.
 */
export class DoNotCommitError extends KafkaError {
  /** Always `false`: the rule {@link shouldCommit} reads it. */
  readonly commit = false;

  constructor(message = 'handler asked not to commit the message', logData: LogData = {}, options?: { cause?: unknown }) {
    super(message, logData, options);
  }
}

/** An error that decides whether its message is committed: dp-kafka's `Commiter`, in TypeScript. */
export interface CommitDecision {
  /** `false` leaves the offset uncommitted. */
  readonly commit?: boolean;
  /** `false` leaves the offset uncommitted. */
  shouldCommit?(): boolean;
}

const MAX_CAUSE_DEPTH = 16;

/**
 * Whether a message whose handler ended with `error` is committed: yes on success; no when the
 * error, or any error in its `cause` chain, says `commit: false` or `shouldCommit() === false`;
 * yes otherwise. Unlike the Go original, a wrapped "do not commit" error is still honoured.
 */
export function shouldCommit(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth++) {
    if (typeof current !== 'object') return true;
    const decision = readDecision(current as CommitDecision);
    if (decision !== undefined) return decision;
    current = (current as { cause?: unknown }).cause;
  }
  return true;
}

function readDecision(candidate: CommitDecision): boolean | undefined {
  if (typeof candidate.shouldCommit === 'function') {
    try {
      return candidate.shouldCommit() !== false;
    } catch {
      return true;
    }
  }
  if (typeof candidate.commit === 'boolean') return candidate.commit;
  return undefined;
}
