import { describeCause } from '../errors.js';
import type { FetchFailureHealth, HealthStatus } from '../health/health-types.js';

/** A partition of a topic. */
export interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

/** One failure episode: from the first failure until the fetch works again. */
interface Episode {
  readonly since: number;
  failures: number;
  cause: string;
  /** Causes already reported in this episode (each is reported once). */
  readonly reported: Set<string>;
}

/** What a failure means for reporting. */
export interface FetchFailureOutcome {
  /** Failures in this episode, this one included (1 = the episode starts). */
  readonly failures: number;
  /** How long the episode has lasted, ms. */
  readonly failingForMs: number;
  /** Whether this cause was not yet reported in this episode: report it now (once per episode). */
  readonly firstOfCause: boolean;
}

/** The health verdict of the fetch path, when it is not OK. */
export interface FetchStallVerdict {
  readonly status: Exclude<HealthStatus, 'OK'>;
  readonly message: string;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Keeps the fetch failure episodes of one consumer group: the whole fetch loop failing (the member
 * restarts on a back-off), and partitions whose fetch fails on their own (paused and retried).
 * An episode lasts from its first failure until that fetch works again; the health rules are
 * WARNING while one lasts and CRITICAL once one has lasted longer than `stallTimeoutMs` (no record
 * of it fetched for that long).
 */
export class FetchStallWatch {
  private loop: Episode | undefined;
  private readonly partitions = new Map<string, Episode & PartitionRef>();

  /**
   * @param stallTimeoutMs - how long an episode may last before health is CRITICAL
   * @param now - clock (mock timers in tests)
   */
  constructor(
    readonly stallTimeoutMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The fetch loop failed as a whole (the member crashed and restarts). */
  loopFailed(cause: unknown): FetchFailureOutcome {
    this.loop ??= this.newEpisode();
    return this.record(this.loop, cause);
  }

  /** Fetching one partition failed (the others went on). */
  partitionFailed(topic: string, partition: number, cause: unknown): FetchFailureOutcome {
    const id = key(topic, partition);
    let episode = this.partitions.get(id);
    if (!episode) {
      episode = { ...this.newEpisode(), topic, partition };
      this.partitions.set(id, episode);
    }
    return this.record(episode, cause);
  }

  /** A fetch of `partition` came back without error (records or not): its episode, if any, ends. Returns whether one did. */
  partitionFetched(topic: string, partition: number): boolean {
    return this.partitions.delete(key(topic, partition));
  }

  /** Whether `partition` is in a failure episode. */
  isFailing(topic: string, partition: number): boolean {
    return this.partitions.has(key(topic, partition));
  }

  /** The fetch loop works again (records flowed, or a fetch came back): its episode, if any, ends. Returns whether one did. */
  loopRecovered(): boolean {
    const ended = this.loop !== undefined;
    this.loop = undefined;
    return ended;
  }

  /** Whether the fetch loop is in a failure episode. */
  loopFailing(): boolean {
    return this.loop !== undefined;
  }

  /** Forgets every episode (the group stopped: nothing is fetched on purpose). */
  clear(): void {
    this.loop = undefined;
    this.partitions.clear();
  }

  /** The episodes under way, for the health report (the fetch loop first). */
  failures(): FetchFailureHealth[] {
    const now = this.now();
    const list: FetchFailureHealth[] = [];
    if (this.loop) list.push({ cause: this.loop.cause, failingForMs: now - this.loop.since, failures: this.loop.failures });
    for (const e of this.partitions.values()) {
      list.push({ topic: e.topic, partition: e.partition, cause: e.cause, failingForMs: now - e.since, failures: e.failures });
    }
    return list;
  }

  /** WARNING while an episode lasts, CRITICAL once one is older than the stall timeout; `undefined` when none. */
  verdict(): FetchStallVerdict | undefined {
    const failures = this.failures();
    if (failures.length === 0) return undefined;
    const worst = failures.reduce((a, b) => (b.failingForMs > a.failingForMs ? b : a));
    const what = worst.topic === undefined ? 'fetching' : `fetching ${worst.topic}/${worst.partition}`;
    const others = failures.length > 1 ? ` (and ${failures.length - 1} more failing fetch${failures.length > 2 ? 'es' : ''})` : '';
    const seconds = Math.round(worst.failingForMs / 1000);
    if (worst.failingForMs > this.stallTimeoutMs) {
      return {
        status: 'CRITICAL',
        message: `${what} has failed for ${seconds} s, longer than stallTimeout (${this.stallTimeoutMs} ms), so no record was fetched there: ${worst.cause}${others}`,
      };
    }
    return { status: 'WARNING', message: `${what} is failing (for ${seconds} s, ${worst.failures} failures): ${worst.cause}${others}` };
  }

  private newEpisode(): Episode {
    return { since: this.now(), failures: 0, cause: '', reported: new Set() };
  }

  private record(episode: Episode, cause: unknown): FetchFailureOutcome {
    episode.failures++;
    episode.cause = describeCause(cause);
    const firstOfCause = !episode.reported.has(episode.cause);
    episode.reported.add(episode.cause);
    return { failures: episode.failures, failingForMs: this.now() - episode.since, firstOfCause };
  }
}
