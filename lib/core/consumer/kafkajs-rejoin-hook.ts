import { loadKafkaJsRunnerPrototype } from './kafkajs-runner.js';
import { outcomeWithin, type Outcome } from '../time-limit.js';

/** The kafkajs release whose internals this hook was written against (package.json pins it). */
export const KAFKAJS_REJOIN_HOOK_VERSION = '2.2.4';

/** What runs before a member of a generation sends JoinGroup again. */
export interface RejoinHook {
  /**
   * Finishes the work on the partitions about to be given up and commits it. kafkajs waits for
   * it (at most {@link timeoutMs}) before rejoining, so the commit still carries the generation
   * that owns those partitions.
   */
  beforeRejoin(): Promise<void>;
  /** Longest wait before the member rejoins regardless; keep it well under the rebalance timeout. */
  readonly timeoutMs: number;
  /** Heartbeat period while waiting: until it sends JoinGroup the member's session still runs. */
  readonly heartbeatIntervalMs: number;
  /** The hook rejected or outlived {@link timeoutMs}; the member rejoins anyway. Must not throw. */
  onFailure(outcome: Exclude<Outcome, 'ok'>): void;
  /**
   * Receives kafkajs' internal consumer group of the run as the runner starts (the transport
   * re-finds the group coordinator through it when a commit meets a moved coordinator). Must not throw.
   */
  onRunnerStart?(consumerGroup: unknown): void;
}

/** What {@link installKafkaJsRejoinHook} did. */
export type RejoinHookOutcome = 'installed' | 'already-installed' | 'unavailable';

/** The part of kafkajs' internal `ConsumerGroup` (`kafkajs/src/consumer/consumerGroup.js`) the hook relies on. */
interface KafkaJsConsumerGroup {
  /** Set by a successful JoinGroup; `null` before the first join and after kafkajs met UNKNOWN_MEMBER_ID. */
  memberId: string | null;
  /** Set by JoinGroup; `null` until the first join. */
  generationId: number | null;
  joinAndSync(this: KafkaJsConsumerGroup): Promise<void>;
  heartbeat(this: KafkaJsConsumerGroup, options: { interval: number }): Promise<void>;
  [HOOKED]?: true;
}

/** The part of kafkajs' internal `Runner` (`kafkajs/src/consumer/runner.js`) the hook relies on. */
interface KafkaJsRunner {
  consumerGroup: KafkaJsConsumerGroup;
  /** Set by the constructor; the fetch loop calls it (not awaited) when its retries ran out. */
  onCrash?: (error: unknown) => unknown;
  /** The `eachBatch` given to `consumer.run()`, passed through unchanged. */
  eachBatch?: unknown;
  start(this: KafkaJsRunner): Promise<void>;
}

type RunnerPrototype = Pick<KafkaJsRunner, 'start'> & { [INSTALLED]?: true };

/** Marks the patched prototype; `Symbol.for` so two copies of this library still patch only once. */
const INSTALLED = Symbol.for('nestjs-kafka-channels.kafkajs-rejoin-hook');
/** Marks a consumer group instance whose `joinAndSync` is wrapped. */
const HOOKED = Symbol.for('nestjs-kafka-channels.kafkajs-rejoin-hook.group');

/** Hooks by the `eachBatch` function their consumer runs (weak: a finished run leaves nothing behind). */
const hooks = new WeakMap<object, RejoinHook>();

/**
 * Registers `hook` for the kafkajs consumer that will run `eachBatch` (pass the very function
 * object given to `consumer.run({ eachBatch })`). Call it before `consumer.run()`.
 */
export function registerRejoinHook(eachBatch: object, hook: RejoinHook): void {
  hooks.set(eachBatch, hook);
}

/**
 * Makes kafkajs commit before it rejoins a group.
 *
 * Why: in kafkajs 2.2.4, when a heartbeat reports a rebalance, the runner's fetch loop ends,
 * emits the REBALANCING instrumentation event synchronously and at once calls
 * `consumerGroup.joinAndSync()`. Its own commit on that path only runs with `autoCommit`, which
 * the module turns off; a commit started from the event races the JoinGroup, and once the join
 * phase completes the generation moves on and the commit is refused (ILLEGAL_GENERATION or
 * REBALANCE_IN_PROGRESS), so finished records are redelivered to the partitions' next owner.
 *
 * The hook wraps `joinAndSync` of each consumer group whose runner was started with a registered
 * `eachBatch`: when the member holds a generation (a member id and a generation id) it first
 * awaits the registered {@link RejoinHook.beforeRejoin}, heartbeating meanwhile, bounded by
 * {@link RejoinHook.timeoutMs}; a failure is reported and never thrown into kafkajs. The first
 * join and the rejoin after UNKNOWN_MEMBER_ID (kafkajs clears the member id: the coordinator
 * forgot the member, no commit can succeed) go straight to JoinGroup.
 *
 * It patches kafkajs' internal `Runner.prototype.start` (`kafkajs/src/consumer/runner.js`), where
 * the runner's consumer group and `eachBatch` meet, so it is tied to the kafkajs layout of
 * {@link KAFKAJS_REJOIN_HOOK_VERSION}. When that file or method is missing nothing is patched and
 * `'unavailable'` is returned. Idempotent; never throws.
 */
export function installKafkaJsRejoinHook(): RejoinHookOutcome {
  const runner = loadKafkaJsRunnerPrototype<RunnerPrototype>('start');
  if (!runner) return 'unavailable';
  if (runner[INSTALLED]) return 'already-installed';
  const start = runner.start;
  runner.start = function hookedStart(this: KafkaJsRunner): Promise<void> {
    const hook = typeof this.eachBatch === 'function' ? hooks.get(this.eachBatch) : undefined;
    if (hook) {
      hookJoins(this.consumerGroup, hook);
      hookCrash(this, hook);
      try {
        hook.onRunnerStart?.(this.consumerGroup);
      } catch {
        // never into kafkajs' start path
      }
    }
    return start.call(this);
  };
  runner[INSTALLED] = true;
  return 'installed';
}

function hookJoins(group: KafkaJsConsumerGroup | undefined, hook: RejoinHook): void {
  if (!group || group[HOOKED] || typeof group.joinAndSync !== 'function') return;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the original, called with .call(this) below
  const joinAndSync = group.joinAndSync;
  group.joinAndSync = async function joinAfterHook(this: KafkaJsConsumerGroup): Promise<void> {
    if (this.memberId && this.generationId !== null && this.generationId !== undefined) await runHook(this, hook);
    return joinAndSync.call(this);
  };
  group[HOOKED] = true;
}

/**
 * kafkajs 2.2.4's fetch loop (`runner.js` `scheduleFetchManager`) calls `onCrash` when its retries
 * ran out; the consumer then disconnects without leaving the group, and the restart joins as a new
 * member, so whatever was finished but not committed yet went to the partitions' next owner
 * (often the same process, again). The wrapper runs the hand-over first, while the member still
 * holds its generation and kafkajs is still connected.
 */
function hookCrash(runner: KafkaJsRunner, hook: RejoinHook): void {
  const onCrash = runner.onCrash;
  if (typeof onCrash !== 'function') return;
  runner.onCrash = async (error: unknown): Promise<unknown> => {
    const group = runner.consumerGroup;
    if (group?.memberId && group.generationId !== null && group.generationId !== undefined) await runHook(group, hook);
    return onCrash(error);
  };
}

/** Runs the hook with heartbeats, within its time limit; never rejects. */
async function runHook(group: KafkaJsConsumerGroup, hook: RejoinHook): Promise<void> {
  // A heartbeat answers REBALANCE_IN_PROGRESS now, and still renews the member's session.
  const keepAlive = setInterval(() => void group.heartbeat({ interval: 0 }).catch(() => undefined), hook.heartbeatIntervalMs);
  try {
    const outcome = await outcomeWithin(
      Promise.resolve().then(() => hook.beforeRejoin()),
      hook.timeoutMs,
    );
    if (outcome !== 'ok') hook.onFailure(outcome);
  } catch {
    // onFailure threw: nothing may reach kafkajs' rebalance path.
  } finally {
    clearInterval(keepAlive);
  }
}
