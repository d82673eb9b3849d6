/** The next offset to read of one partition: what a commit stores. */
export interface PartitionOffset {
  /** The topic. */
  readonly topic: string;
  /** The partition number. */
  readonly partition: number;
  /** Next offset to read (last handled + 1), decimal string. */
  readonly offset: string;
}

/**
 * An offset as the tracker holds it: a `number` while it is a safe integer (the usual case, cheap to
 * parse, compare and increment), a `bigint` from 2^53 on. The type depends only on the value, so
 * equal offsets are always `===` and map to the same key, and `<` compares the two exactly.
 */
type OffsetValue = number | bigint;

/** Below 10^15 (fewer than 16 characters) a decimal offset is always a safe integer. */
const SHORT_OFFSET_LENGTH = 16;
const MAX_SAFE_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/** Parses an offset string; exact for every int64 (throws like `BigInt()` on text that is no integer). */
function parseOffset(offset: string): OffsetValue {
  if (offset.length < SHORT_OFFSET_LENGTH) {
    const n = Number(offset);
    if (Number.isSafeInteger(n)) return n;
  }
  // Long (or malformed) text: parse exactly, then keep the number form for values that fit.
  const value = BigInt(offset);
  return value <= MAX_SAFE_OFFSET ? Number(value) : value;
}

/** `value + 1`, switching to `bigint` where a `number` would stop being exact. */
function nextOffset(value: OffsetValue): OffsetValue {
  if (typeof value === 'bigint') return value + 1n;
  return value < Number.MAX_SAFE_INTEGER ? value + 1 : BigInt(value) + 1n;
}

/** Passed offsets kept before compacting a track's array: few enough to hold, many enough to batch. */
const COMPACT_AFTER = 64;

/**
 * Bookkeeping of one partition. Dispatchers keep this handle for a whole partition batch (one map
 * lookup per batch, not per message); after {@link OffsetTracker.reset} a handle is detached, so
 * positions recorded through it are never offered for commit.
 */
export class PartitionTrack {
  /** Offsets started, in start order; those before `head` are passed by the contiguous prefix. */
  private readonly started: OffsetValue[] = [];
  /** Index of the first offset not yet passed (an index, not `shift()`: cheap for large batches). */
  private head = 0;
  /** Finished offsets not at the head yet -> whether they may be committed. */
  private readonly done = new Map<OffsetValue, boolean>();
  /** Next offset to commit, not yet taken by a commit. */
  pending: OffsetValue | undefined;
  /** Highest next-offset ever offered (commits never move back). */
  committed: OffsetValue | undefined;

  /** Records that handling of `offset` began; call in offset order. */
  start(offset: string): void {
    this.started.push(parseOffset(offset));
  }

  /** Records that `offset` is finished; `commit: false` finishes it without committing it. */
  finish(offset: string, commit = true): void {
    const value = parseOffset(offset);
    const head = this.started[this.head];
    if (head === undefined || value < head) return; // not started since the last reset
    if (value === head && this.done.size === 0) {
      // The usual case (finished in start order): no map needed.
      this.dropHead();
      if (commit) this.offer(nextOffset(value));
      return;
    }
    this.done.set(value, commit);
    while (this.head < this.started.length) {
      const first = this.started[this.head]!;
      const committable = this.done.get(first);
      if (committable === undefined) break;
      this.dropHead();
      this.done.delete(first);
      if (committable) this.offer(nextOffset(first));
    }
  }

  /**
   * Offers `offset + 1` for commit at once, whatever is still in flight: dp-kafka's `Mark()` (the
   * channel-style API), where the app decides what is consumed. Never moves the position back.
   */
  mark(offset: string): void {
    this.offer(nextOffset(parseOffset(offset)));
  }

  /** Started messages not yet passed by the contiguous done prefix. */
  get inFlight(): number {
    return this.started.length - this.head;
  }

  /** Puts back a position whose commit failed, unless a newer one was offered since. */
  restore(offset: string): void {
    const value = parseOffset(offset);
    if (this.committed !== undefined && value < this.committed) return;
    if (this.pending === undefined || this.pending < value) this.pending = value;
  }

  /** Passes the head; drops passed entries once they are at least half the array (amortised O(1)). */
  private dropHead(): void {
    this.head++;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.started.length) {
      this.started.splice(0, this.head);
      this.head = 0;
    }
  }

  private offer(next: OffsetValue): void {
    if (this.committed !== undefined && next <= this.committed) return;
    this.committed = next;
    this.pending = next;
  }
}

/**
 * At-least-once bookkeeping. For each partition it records which offsets started and which are
 * done, and only offers for commit the highest offset whose every earlier started message is done
 * too. A message done with `commit: false` does not advance the position by itself, but a later
 * committed message of the partition moves past it (Kafka commits are per-partition positions).
 */
export class OffsetTracker {
  private readonly tracks = new Map<string, PartitionTrack>();

  /** The bookkeeping handle of one partition. */
  partition(topic: string, partition: number): PartitionTrack {
    const key = trackKey(topic, partition);
    let track = this.tracks.get(key);
    if (!track) {
      track = new PartitionTrack();
      this.tracks.set(key, track);
    }
    return track;
  }

  /** Records that handling of `offset` began; must be called in offset order per partition. */
  start(topic: string, partition: number, offset: string): void {
    this.partition(topic, partition).start(offset);
  }

  /** Records that `offset` is finished. `commit: false` finishes it without committing it. */
  done(topic: string, partition: number, offset: string, commit = true): void {
    this.partition(topic, partition).finish(offset, commit);
  }

  /** Number of started messages not yet passed by the contiguous done prefix. */
  inFlight(): number {
    let n = 0;
    for (const track of this.tracks.values()) n += track.inFlight;
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
      track.restore(o.offset);
    }
  }

  /**
   * Forgets one partition (a seek moved its position): handles held for it are detached, so what
   * finishes there from before is never offered for commit, and commits start afresh from the
   * new position, also when that is behind the last commit.
   */
  forget(topic: string, partition: number): void {
    this.tracks.delete(trackKey(topic, partition));
  }

  /** Forgets everything (the partitions may now belong to another member). */
  reset(): void {
    this.tracks.clear();
  }
}

function trackKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

function splitKey(key: string): [string, number] {
  const colon = key.indexOf(':');
  return [key.slice(colon + 1), Number(key.slice(0, colon))];
}
