import { KafkaOperationError, KafkaTimeoutError, type KafkaError, type LogData } from '../errors.js';
import { outcomeWithin } from '../time-limit.js';
import type { AssignedPartitions } from './partition-request.js';

/**
 * Called with the partitions assigned to this member, or taken from it. May return a promise:
 * listener calls run one at a time, in order, and the member rejoins only after a revocation
 * listener settled (bounded by the rejoin limit), so state flushed there is flushed before the
 * partitions reach their next owner.
 */
export type RebalanceListener = (partitions: readonly AssignedPartitions[]) => void | Promise<void>;

/**
 * Longest wait for one listener call before the next one (and a stop or rejoin waiting for it)
 * goes on: the rejoin limit, so a listener that never settles cannot hold the group for good.
 */
export const REBALANCE_LISTENER_TIMEOUT = 20_000;

/** Options of {@link RebalanceListeners}. */
export interface RebalanceListenersOptions {
  readonly onAssigned: RebalanceListener | undefined;
  readonly onRevoked: RebalanceListener | undefined;
  readonly emit: (error: KafkaError) => void;
  readonly logData: () => LogData;
  /** Default {@link REBALANCE_LISTENER_TIMEOUT}. */
  readonly timeoutMs?: number;
}

/**
 * Tracks the member's assignment and calls the app's rebalance listeners in a strict order: every
 * assignment is followed by exactly one revocation (on a rebalance after the group's commit of
 * finished work; on stop or close after the drain's commit; before the next assignment if the
 * member lost its partitions without one, e.g. after a crash). A listener that throws or rejects
 * is reported on the error stream; it never stops the group.
 */
export class RebalanceListeners {
  private held: AssignedPartitions[] | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: RebalanceListenersOptions) {}

  /** The partitions assigned now (empty when the member holds none). */
  get assignment(): readonly AssignedPartitions[] {
    return this.held ?? [];
  }

  /** Whether the member holds an assignment (joined, not yet revoked). */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** The member joined with `partitions`: revokes a forgotten previous assignment first, then calls `onAssigned`. */
  assigned(partitions: readonly AssignedPartitions[]): Promise<void> {
    if (this.held !== undefined) void this.revoked(); // chained: it runs before the assignment's call
    const assignment = partitions.map((p) => ({ topic: p.topic, partitions: [...p.partitions] }));
    this.held = assignment;
    return this.call(this.options.onAssigned, assignment, 'onPartitionsAssigned');
  }

  /** The member gives its partitions up (its commit is done): calls `onRevoked` once per assignment. Never rejects. */
  revoked(): Promise<void> {
    const assignment = this.held;
    if (assignment === undefined) return this.chain;
    this.held = undefined;
    return this.call(this.options.onRevoked, assignment, 'onPartitionsRevoked');
  }

  private call(listener: RebalanceListener | undefined, partitions: readonly AssignedPartitions[], name: string): Promise<void> {
    if (!listener) return this.chain;
    const timeoutMs = this.options.timeoutMs ?? REBALANCE_LISTENER_TIMEOUT;
    this.chain = this.chain.then(async () => {
      const logData = () => ({ ...this.options.logData(), partitions: describe(partitions) });
      let outcome;
      try {
        outcome = await outcomeWithin(Promise.resolve(listener(partitions)), timeoutMs);
      } catch (error) {
        outcome = { error }; // threw synchronously
      }
      if (outcome === 'timeout') {
        this.options.emit(
          new KafkaTimeoutError(`the ${name} listener did not settle within ${timeoutMs} ms; going on without it`, logData()),
        );
      } else if (outcome !== 'ok') {
        this.options.emit(new KafkaOperationError(`the ${name} listener failed`, logData(), outcome.error));
      }
    });
    return this.chain;
  }
}

function describe(partitions: readonly AssignedPartitions[]): string[] {
  return partitions.map((p) => `${p.topic}[${p.partitions.join(',')}]`);
}
