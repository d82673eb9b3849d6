import type { FetchStallSnapshot, PartitionLag, StalledPartitionHealth } from './health-types.js';

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * "No progress" as a health fact: an assigned, unpaused partition of a consuming member that has
 * lag and whose committed offset has not moved for `stallTimeoutMs` is reported (WARNING, naming
 * it). Judged from the lag each health check reads, so "since" is the first check that saw the
 * offset where it still is: a group checked rarely is judged late, never early.
 */
export class NoProgressWatch {
  private readonly seen = new Map<string, { offset: string | null; since: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** The partitions stalled now, given the lag just read and the partitions watched. */
  observe(lag: readonly PartitionLag[], watched: FetchStallSnapshot['watched'], stallTimeoutMs: number): StalledPartitionHealth[] {
    const now = this.now();
    const wanted = new Set(watched.map((p) => key(p.topic, p.partition)));
    const stalled: StalledPartitionHealth[] = [];
    const current = new Set<string>();
    for (const p of lag) {
      const id = key(p.topic, p.partition);
      if (!wanted.has(id) || p.lag <= 0) continue;
      current.add(id);
      const previous = this.seen.get(id);
      if (!previous || previous.offset !== p.committedOffset) {
        this.seen.set(id, { offset: p.committedOffset, since: now });
        continue;
      }
      const stalledForMs = now - previous.since;
      if (stalledForMs > stallTimeoutMs) {
        stalled.push({ topic: p.topic, partition: p.partition, committedOffset: p.committedOffset, lag: p.lag, stalledForMs });
      }
    }
    // A partition caught up, revoked or paused starts afresh when it is watched again.
    for (const id of this.seen.keys()) if (!current.has(id)) this.seen.delete(id);
    return stalled;
  }
}

/** The message of a no-progress WARNING. */
export function noProgressMessage(stalled: readonly StalledPartitionHealth[], stallTimeoutMs: number): string {
  const names = stalled.map((s) => `${s.topic}/${s.partition} (lag ${s.lag})`).join(', ');
  return `no progress for longer than stallTimeout (${stallTimeoutMs} ms) on ${names}`;
}
