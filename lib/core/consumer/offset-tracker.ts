/** The next offset to read of one partition: what a commit stores. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to read (last handled + 1), decimal string. */
  readonly offset: string;
}

interface PartitionTrack {
  /** Offsets started and not yet passed by the contiguous prefix, in start order. */
  readonly started: bigint[];
  /** Finished offsets -> whether they may be committed. */
  readonly done: Map<bigint, boolean>;
  /** Next offset to commit, not yet taken by a commit. */
  pending: bigint | undefined;
  /** Highest next-offset ever handed out for commit (commits never move back). */
  committed: bigint | undefined;
}

/**
 * At-least-once bookkeeping. For each partition it records which offsets started and which are
 * done, and only offers for commit the highest offset whose every earlier started message is done
 * too. A message done with `commit: false` does not advance the position by itself, but a later
 * committed message of the partition moves past it (Kafka commits are per-partition positions).
 */
export class OffsetTracker {
  private readonly tracks = new Map<string, PartitionTrack>();

  /** Records that handling of `offset` began; must be called in offset order per partition. */
  start(topic: string, partition: number, offset: string): void {
    this.track(topic, partition).started.push(BigInt(offset));
  }

  /** Records that `offset` is finished. `commit: false` finishes it without committing it. */
  done(topic: string, partition: number, offset: string, commit = true): void {
    const track = this.track(topic, partition);
    const value = BigInt(offset);
    // Not started since the last reset: it belongs to an earlier generation, forget it.
    if (track.started.length === 0 || value < track.started[0]!) return;
    track.done.set(value, commit);
    while (track.started.length > 0) {
      const head = track.started[0]!;
      const committable = track.done.get(head);
      if (committable === undefined) break;
      track.started.shift();
      track.done.delete(head);
      if (committable) this.offer(track, head + 1n);
    }
  }

  /** Number of started messages not yet passed by the contiguous done prefix. */
  inFlight(): number {
    let n = 0;
    for (const track of this.tracks.values()) n += track.started.length;
    return n;
  }

  /** Whether any partition has a position waiting to be committed. */
  hasPending(): boolean {
    for (const track of this.tracks.values()) if (track.pending !== undefined) return true;
    return false;
  }

  /** Takes every waiting position (they are no longer pending). */
  takePending(): PartitionOffset[] {
    const out: PartitionOffset[] = [];
    for (const [key, track] of this.tracks) {
      if (track.pending === undefined) continue;
      const [topic, partition] = splitKey(key);
      out.push({ topic, partition, offset: track.pending.toString() });
      track.pending = undefined;
    }
    return out;
  }

  /**
   * Puts back positions whose commit failed so the next commit retries them, unless a newer
   * position was offered since (it supersedes them: commits never move back).
   */
  restore(offsets: readonly PartitionOffset[]): void {
    for (const o of offsets) {
      const track = this.tracks.get(trackKey(o.topic, o.partition));
      if (!track) continue; // reset since: the partition may belong to another member now
      const value = BigInt(o.offset);
      if (track.committed !== undefined && value < track.committed) continue;
      if (track.pending === undefined || track.pending < value) track.pending = value;
    }
  }

  /** Forgets everything (the partitions may now belong to another member). */
  reset(): void {
    this.tracks.clear();
  }

  private offer(track: PartitionTrack, next: bigint): void {
    if (track.committed !== undefined && next <= track.committed) return;
    track.committed = next;
    track.pending = next;
  }

  private track(topic: string, partition: number): PartitionTrack {
    const key = trackKey(topic, partition);
    let track = this.tracks.get(key);
    if (!track) {
      track = { started: [], done: new Map(), pending: undefined, committed: undefined };
      this.tracks.set(key, track);
    }
    return track;
  }
}

function trackKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

function splitKey(key: string): [string, number] {
  const colon = key.indexOf(':');
  return [key.slice(colon + 1), Number(key.slice(0, colon))];
}
